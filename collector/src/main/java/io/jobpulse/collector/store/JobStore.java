package io.jobpulse.collector.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The collector's RocksDB: every run ({@link JobCodec}) and worker ({@link WorkerCodec}), with the indexes the API lists by.
 *
 * <p>Column families: {@code jobs} (id → run), {@code workers} (id → worker), {@code
 * jobs_by_label} (status or flag type, inverted start time, id: {@code ?status=X} without a full
 * scan), {@code jobs_by_time} (inverted start time, id → status: the unfiltered listing, and the
 * {@link #TIME_LISTED} status's), {@code children} (parent id, child id → child status), {@code
 * meta} (counters, short-run totals), and one per {@link Keyspace}, whose records their owning
 * package encodes.
 *
 * <p>One writer (the ingest thread) writes {@link StoreBatch}es atomically, WAL on; any thread may
 * read. The one exception: the alert sender removes and reschedules the outbox entries it owns
 * (keys the ingest thread only ever adds), which RocksDB's own thread safety covers. By default writes are not fsync'ed: the WAL survives the process being killed (kill -9), not the
 * machine losing power, the usual trade-off for a telemetry sidecar; opened with {@code fsync}, every
 * write is synced before it returns and so survives power loss too.
 */
public final class JobStore implements AutoCloseable {

  static final ObjectMapper JSON = JsonMapper.builder()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .addModule(new BlackbirdModule()) // every run change is encoded on the ingest thread: no reflection there
      .build();

  private static final long MEMTABLE_BUDGET_BYTES = 256L << 20;
  private static final long BLOCK_CACHE_BYTES = 64L << 20;
  /** The write-ahead log's files on disk, at most (about): twice the memtables they back. */
  private static final long WAL_BUDGET_BYTES = 2 * MEMTABLE_BUDGET_BYTES;

  /** Index entries moved per write when an older store's layout is brought up to date. */
  private static final int MIGRATION_BATCH = 10_000;

  /** Runs fetched per multi-get when a page is read. */
  private static final int MULTI_GET_CHUNK = 256;

  private static final byte[] EMPTY = new byte[0];
  private static final Set<String> FLAG_LABELS =
      Stream.of(FlagType.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());

  /**
   * The status the label index does not list: its runs are found in the time index, whose values
   * name each run's status. Most runs end COMPLETED, most of them in the request that announced
   * them: an index entry fewer per run is a memtable insert fewer on the ingest thread (BENCHMARKS.md
   * §3), and a listing of COMPLETED runs still finds them densely among the others. FAILED runs keep
   * their entries: a listing of failures must stay quick when they are rare.
   */
  static final JobStatus TIME_LISTED = JobStatus.COMPLETED;
  /** Marks a store whose {@link #TIME_LISTED} runs have left the label index ({@link #listCompletedByTime}). */
  private static final byte[] TIME_LISTED_KEY = "layout:time-listed".getBytes(StandardCharsets.UTF_8);

  private static final String COUNTER_PREFIX = "counter:";
  private static final String SUMMARY_PREFIX = "summary:";

  static {
    RocksLibrary.load();
  }

  private final Path directory;
  /** RocksDB's options, filter, cache and memtable budget, closed with the store. */
  private final List<AbstractNativeReference> resources;
  private final WriteOptions writeOptions;
  /** The ingest thread's helper: encodes a batch's records (see {@link SharedWork}). */
  final SharedWork helper = new SharedWork("jobpulse-store-helper");
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  final ColumnFamilyHandle jobs;
  final ColumnFamilyHandle workers;
  final ColumnFamilyHandle jobsByLabel;
  final ColumnFamilyHandle jobsByTime;
  final ColumnFamilyHandle children;
  final ColumnFamilyHandle meta;
  private final Map<Keyspace, ColumnFamilyHandle> keyspaces = new EnumMap<>(Keyspace.class);

  private JobStore(Path directory, List<AbstractNativeReference> resources, RocksDB db, List<ColumnFamilyHandle> handles,
      boolean fsync) {
    this.directory = directory;
    this.resources = resources;
    this.db = db;
    this.handles = handles;
    this.writeOptions = new WriteOptions().setSync(fsync).setDisableWAL(false);
    // Same order as the descriptors in open(); index 0 is RocksDB's default family, unused.
    this.jobs = handles.get(1);
    this.workers = handles.get(2);
    this.jobsByLabel = handles.get(3);
    this.jobsByTime = handles.get(4);
    this.children = handles.get(5);
    this.meta = handles.get(6);
    for (Keyspace keyspace : Keyspace.values()) {
      keyspaces.put(keyspace, handles.get(7 + keyspace.ordinal()));
    }
  }

  /** Opens (creating when missing) the store in {@code directory}; writes are not fsync'ed. */
  public static JobStore open(Path directory) {
    return open(directory, false);
  }

  /**
   * Opens (creating when missing) the store in {@code directory}.
   *
   * @param fsync whether each write is synced to the disk before it returns
   */
  public static JobStore open(Path directory, boolean fsync) {
    return open(directory, fsync, WAL_BUDGET_BYTES);
  }

  static JobStore open(Path directory, boolean fsync, long walBudgetBytes) {
    Path absolute = directory.toAbsolutePath();
    // A log file is kept until every family with a change in it has flushed that change. Families
    // written rarely (workers, counters) would fill their memtables only after hours, keeping every
    // log file since (measured: 7 MiB a minute under the soak's 200 workers, kept since start). Past
    // this budget RocksDB flushes the families holding the oldest file: bounded disk, and a
    // bounded replay at restart. Busy families fill their memtables long before it.
    DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setMaxTotalWalSize(walBudgetBytes);
    // A sidecar's memory must not grow with the number of column families: by default each of
    // them may hold two 64 MiB memtables (1.6 GiB in all). One budget for all memtables, charged
    // to the block cache, bounds what RocksDB keeps off the heap; the busiest families get most.
    LRUCache blockCache = new LRUCache(BLOCK_CACHE_BYTES);
    WriteBufferManager writeBuffers = new WriteBufferManager(MEMTABLE_BUDGET_BYTES, blockCache);
    dbOptions.setWriteBufferManager(writeBuffers);
    // Every new run id is first looked up and not found: a bloom filter per file answers most such
    // misses without reading a block.
    BloomFilter bloomFilter = new BloomFilter(10);
    ColumnFamilyOptions cfOptions = new ColumnFamilyOptions()
        .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloomFilter).setBlockCache(blockCache));
    // Flush and compaction compressed every block of a rewrite-heavy keyspace that mostly lives
    // for minutes: over a third of the collector's RocksDB CPU. Only the bottommost level, where
    // data settles, is compressed (LZ4, the cheapest to write and read).
    cfOptions.setCompressionType(CompressionType.NO_COMPRESSION)
        .setBottommostCompressionType(CompressionType.LZ4_COMPRESSION);
    // The same misses in the memtables: without a filter each walks every memtable's skip list,
    // a cache miss per step (in-process, 11.3 → 9.3 µs of ingest thread per span of the load
    // benchmark). Only for the runs: in the other families every insert would pay a cache miss
    // into a filter that is never asked.
    ColumnFamilyOptions jobsOptions = new ColumnFamilyOptions(cfOptions)
        .setMemtablePrefixBloomSizeRatio(0.1)
        .setMemtableWholeKeyFiltering(true);
    List<AbstractNativeReference> resources =
        List.of(jobsOptions, cfOptions, bloomFilter, writeBuffers, blockCache, dbOptions); // closed in this order
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    descriptors.add(new ColumnFamilyDescriptor("jobs".getBytes(StandardCharsets.UTF_8), jobsOptions));
    for (String name : List.of("workers", "jobs_by_label", "jobs_by_time", "children", "meta")) {
      descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), cfOptions));
    }
    for (Keyspace keyspace : Keyspace.values()) {
      descriptors.add(new ColumnFamilyDescriptor(keyspace.columnFamily().getBytes(StandardCharsets.UTF_8), cfOptions));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      Files.createDirectories(absolute);
      RocksDB db = RocksDB.open(dbOptions, absolute.toString(), descriptors, handles);
      JobStore store = new JobStore(absolute, resources, db, handles, fsync);
      store.listCompletedByTime();
      return store;
    } catch (RocksDBException | IOException e) {
      handles.forEach(ColumnFamilyHandle::close);
      resources.forEach(AbstractNativeReference::close);
      throw new StoreException("cannot open the data directory " + absolute + ": " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return directory;
  }

  /** Whether each write is synced to the disk before it returns. */
  public boolean fsync() {
    return writeOptions.sync();
  }

  /**
   * Reads the runs stored under {@code ids}, with one multi-get per {@value #MULTI_GET_CHUNK}:
   * each id maps to its run, or to {@code null} when none is stored.
   */
  public Map<String, Job> jobsById(Collection<String> ids) {
    Map<String, Job> found = new HashMap<>(ids.size() * 2);
    List<String> chunk = new ArrayList<>(Math.min(ids.size(), MULTI_GET_CHUNK));
    List<byte[]> keys = new ArrayList<>(chunk.size());
    try {
      Iterator<String> it = ids.iterator();
      while (it.hasNext()) {
        chunk.clear();
        keys.clear();
        while (it.hasNext() && chunk.size() < MULTI_GET_CHUNK) {
          String id = it.next();
          chunk.add(id);
          keys.add(Keys.id(id));
        }
        List<byte[]> values = db.multiGetAsList(Collections.nCopies(keys.size(), jobs), keys);
        for (int i = 0; i < chunk.size(); i++) {
          byte[] value = values.get(i);
          found.put(chunk.get(i), value == null ? null : decodeJob(chunk.get(i), value));
        }
      }
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
    return found;
  }

  public Optional<Job> job(String id) {
    try {
      byte[] value = db.get(jobs, Keys.id(id));
      return value == null ? Optional.empty() : Optional.of(decodeJob(id, value));
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
  }

  /** The record of worker {@code id}: protobuf, or the JSON of an earlier version. */
  private static Worker decodeWorker(String id, byte[] value) {
    Worker worker = WorkerCodec.decode(id, value);
    return worker != null ? worker : decode(value, Worker.class);
  }

  /** The record of run {@code id}: protobuf, or the JSON of an earlier version. */
  private static Job decodeJob(String id, byte[] value) {
    Job job = JobCodec.decode(id, value);
    return job != null ? job : decode(value, Job.class);
  }

  public Optional<Worker> worker(String id) {
    try {
      byte[] value = db.get(workers, Keys.id(id));
      return value == null ? Optional.empty() : Optional.of(decodeWorker(id, value));
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
  }

  /** Every worker, by id. */
  public List<Worker> workers() {
    List<Worker> result = new ArrayList<>();
    try (RocksIterator it = db.newIterator(workers)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        result.add(decodeWorker(new String(it.key(), StandardCharsets.UTF_8), it.value()));
      }
    }
    return result;
  }

  /**
   * The runs {@code query} selects, newest first. The index is read ahead a chunk at a time and
   * each chunk's runs fetched with one multi-get: a page of thousands of flagged runs was
   * thousands of separate lookups.
   */
  public List<Job> jobs(JobQuery query) {
    List<Job> result = new ArrayList<>(Math.min(query.limit(), 1024));
    // The time-listed status is read from the time index, its entries picked by their values.
    byte[] timeListed = TIME_LISTED.name().equals(query.status()) ? Keys.status(TIME_LISTED) : null;
    boolean byTime = query.status() == null || timeListed != null;
    byte[] prefix = byTime ? EMPTY : Keys.prefix(query.status());
    // The entries of a flag's label carry the run's record (StoreBatch.putJob); those written by
    // versions before that are empty, and are read from the runs like the other labels'.
    boolean carried = query.status() != null && isFlagLabel(query.status());
    byte[] start = query.before() == null ? prefix : JobQuery.seekKey(prefix, query.before());
    int toSkip = query.offset();
    List<String> ids = new ArrayList<>();
    List<byte[]> records = new ArrayList<>();
    try (RocksIterator it = db.newIterator(byTime ? jobsByTime : jobsByLabel)) {
      it.seek(start);
      if (query.before() != null && it.isValid() && Arrays.equals(it.key(), start)) {
        it.next(); // the cursor names the previous page's last run
      }
      boolean indexed = true;
      while (indexed && result.size() < query.limit()) {
        // As many as the page still needs; filters may drop some, and then another chunk follows.
        int wanted = (int) Math.min(MULTI_GET_CHUNK, (long) query.limit() - result.size() + toSkip);
        ids.clear();
        records.clear();
        for (; ids.size() < wanted; it.next()) {
          byte[] key = it.isValid() ? it.key() : null;
          if (key == null || !Keys.startsWith(key, prefix)) {
            indexed = false;
            break;
          }
          if (timeListed != null && !Arrays.equals(it.value(), timeListed)) {
            continue;
          }
          ids.add(Keys.idAfter(key, prefix.length));
          records.add(carried ? it.value() : EMPTY);
        }
        if (ids.isEmpty()) {
          break;
        }
        readMissingRecords(ids, records);
        for (int i = 0; i < records.size(); i++) {
          byte[] value = records.get(i);
          if (value == null || result.size() == query.limit()) {
            continue; // deleted since the index was read, or the page is full
          }
          Job job = decodeJob(ids.get(i), value);
          if (matches(query.name(), job.name()) && matches(query.service(), job.service())) {
            if (toSkip > 0) {
              toSkip--;
            } else {
              result.add(job);
            }
          }
        }
      }
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
    return result;
  }

  /** Whether {@code label} names a flag type, whose index entries carry the records of its runs. */
  static boolean isFlagLabel(String label) {
    return FLAG_LABELS.contains(label);
  }

  /**
   * Replaces each empty record by the run's stored one, in one multi-get, or by {@code null} when
   * the run is gone.
   */
  private void readMissingRecords(List<String> ids, List<byte[]> records) throws RocksDBException {
    List<byte[]> missing = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).length == 0) {
        missing.add(Keys.id(ids.get(i)));
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    Iterator<byte[]> read = db.multiGetAsList(Collections.nCopies(missing.size(), jobs), missing).iterator();
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).length == 0) {
        records.set(i, read.next());
      }
    }
  }

  /**
   * How many runs each label (status or flag type) lists; a key-only pass over the label index,
   * for gauges that are then kept up to date change by change.
   */
  public Map<String, Long> countByLabel() {
    Map<String, Long> counts = new TreeMap<>();
    try (RocksIterator it = db.newIterator(jobsByLabel)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        int end = 0;
        while (end < key.length && key[end] != 0) {
          end++;
        }
        counts.merge(new String(key, 0, end, StandardCharsets.UTF_8), 1L, Long::sum);
      }
    }
    byte[] timeListed = Keys.status(TIME_LISTED);
    long timeListedCount = 0;
    try (RocksIterator it = db.newIterator(jobsByTime)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (Arrays.equals(it.value(), timeListed)) {
          timeListedCount++;
        }
      }
    }
    if (timeListedCount > 0) {
      counts.merge(TIME_LISTED.name(), timeListedCount, Long::sum);
    }
    return counts;
  }

  /** Every run whose status is {@code status} (used to rebuild the live state at start). */
  public List<Job> jobsWithStatus(JobStatus status) {
    if (status == TIME_LISTED) {
      return jobs(new JobQuery(status.name(), null, null, Integer.MAX_VALUE));
    }
    List<Job> result = new ArrayList<>();
    byte[] prefix = Keys.prefix(status.name());
    try (RocksIterator it = db.newIterator(jobsByLabel)) {
      for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
        Job job = job(Keys.idAfter(it.key(), prefix.length)).orElse(null);
        // The label may be a flag type equal to a status name; keep only real statuses.
        if (job != null && job.status() == status) {
          result.add(job);
        }
      }
    }
    return result;
  }

  /** How many children of {@code parentId} are in each status. */
  public Map<String, Long> childrenByStatus(String parentId) {
    Map<String, Long> counts = new TreeMap<>();
    byte[] prefix = Keys.prefix(parentId);
    try (RocksIterator it = db.newIterator(children)) {
      for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
        counts.merge(new String(it.value(), StandardCharsets.UTF_8), 1L, Long::sum);
      }
    }
    return counts;
  }

  /** The accumulated short-run totals, by job name. */
  public Map<String, RunTotals> runTotals() {
    Map<String, RunTotals> totals = new LinkedHashMap<>();
    byte[] prefix = SUMMARY_PREFIX.getBytes(StandardCharsets.UTF_8);
    try (RocksIterator it = db.newIterator(meta)) {
      for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
        RunTotals t = decode(it.value(), RunTotals.class);
        totals.put(t.name(), t);
      }
    }
    return totals;
  }

  /** A counter's value, 0 when never written. */
  public long counter(String name) {
    Long value = read(meta, (COUNTER_PREFIX + name).getBytes(StandardCharsets.UTF_8), Long.class);
    return value == null ? 0 : value;
  }

  /** The value under {@code key} in {@code keyspace}, or {@code null}. */
  public byte[] get(Keyspace keyspace, byte[] key) {
    try {
      return db.get(keyspaces.get(keyspace), key);
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
  }

  /** What a {@link #scan} visitor is shown; returns {@code false} to stop. */
  @FunctionalInterface
  public interface EntryVisitor {
    boolean visit(byte[] key, byte[] value);
  }

  /** Visits {@code keyspace}'s entries in key order from {@code fromKey} (inclusive) until the visitor says stop. */
  public void scan(Keyspace keyspace, byte[] fromKey, EntryVisitor visitor) {
    try (RocksIterator it = db.newIterator(keyspaces.get(keyspace))) {
      for (it.seek(fromKey); it.isValid(); it.next()) {
        if (!visitor.visit(it.key(), it.value())) {
          return;
        }
      }
    }
  }

  /**
   * Moves a store written before {@link #TIME_LISTED} runs left the label index: each of their
   * label entries becomes the value of the time index entry of the same time and id, in batches,
   * once. Resumable: a run moved twice ends the same.
   */
  private void listCompletedByTime() {
    try {
      if (db.get(meta, TIME_LISTED_KEY) != null) {
        return;
      }
      byte[] prefix = Keys.prefix(TIME_LISTED.name());
      byte[] status = Keys.status(TIME_LISTED);
      try (RocksIterator it = db.newIterator(jobsByLabel)) {
        it.seek(prefix);
        while (it.isValid() && Keys.startsWith(it.key(), prefix)) {
          try (StoreBatch batch = newBatch()) {
            WriteBatch moves = batch.writeBatch();
            for (int n = 0; n < MIGRATION_BATCH && it.isValid() && Keys.startsWith(it.key(), prefix); n++, it.next()) {
              byte[] key = it.key();
              moves.put(jobsByTime, Arrays.copyOfRange(key, prefix.length, key.length), status);
              moves.delete(jobsByLabel, key);
            }
            write(batch);
          }
        }
      }
      db.put(meta, writeOptions, TIME_LISTED_KEY, status);
    } catch (RocksDBException e) {
      throw new StoreException("cannot move the " + TIME_LISTED + " runs of " + directory + " to the time index: " + e.getMessage(), e);
    }
  }

  /** An iterator over one of the store's own families; the caller closes it. */
  RocksIterator iterator(ColumnFamilyHandle family) {
    return db.newIterator(family);
  }

  ColumnFamilyHandle handle(Keyspace keyspace) {
    return keyspaces.get(keyspace);
  }

  public StoreBatch newBatch() {
    return new StoreBatch(this);
  }

  /** Writes {@code batch} atomically. */
  public void write(StoreBatch batch) {
    try {
      db.write(writeOptions, batch.writeBatch());
    } catch (RocksDBException e) {
      throw new StoreException("write failed: " + e.getMessage(), e);
    }
  }

  static byte[] counterKey(String name) {
    return (COUNTER_PREFIX + name).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] summaryKey(String jobName) {
    return (SUMMARY_PREFIX + jobName).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] encode(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new StoreException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  private <T> T read(ColumnFamilyHandle family, byte[] key, Class<T> type) {
    try {
      byte[] value = db.get(family, key);
      return value == null ? null : decode(value, type);
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
  }

  private static <T> T decode(byte[] value, Class<T> type) {
    try {
      return JSON.readValue(value, type);
    } catch (IOException e) {
      throw new StoreException("cannot decode a stored " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  private static boolean matches(String filter, String value) {
    return filter == null || filter.equals(value);
  }

  /** Flushes nothing extra (the WAL holds every write) and releases RocksDB's native resources. */
  @Override
  public void close() {
    helper.close();
    writeOptions.close();
    handles.forEach(ColumnFamilyHandle::close);
    db.close();
    resources.forEach(AbstractNativeReference::close);
  }
}
