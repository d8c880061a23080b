package io.jobpulse.collector.alert;

import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.Keyspace;
import io.jobpulse.collector.store.StoreBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers the outbox, on its own thread: each entry is POSTed with its {@code Idempotency-Key}
 * and removed only after a 2xx; a failure is retried after a delay that doubles from the base up
 * to the cap. At least once; exactly once for a receiver that honours the key. Entries survive a
 * restart: they are read from the store, not from memory.
 *
 * <p>The only thread besides ingest that writes the store, and only outbox entries. Ingest adds
 * entries; the one overlap is an alert raised again while its entry waits: ingest then replaces
 * the entry with a fresh one (same key), and a retry's rescheduling never overwrites that.
 */
final class AlertSender implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(AlertSender.class.getName());
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Entries handled per pass: bounds memory however long the outbox grows while a target is down. */
  private static final int PASS_LIMIT = 256;

  private final JobStore store;
  private final AlertConfig config;
  private final Clock clock;
  private final Alerting.Outcomes listener;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
  private final Semaphore wakeUps = new Semaphore(0);
  private final AtomicLong depth = new AtomicLong();
  private final Thread thread;
  private volatile boolean stopping;

  AlertSender(JobStore store, AlertConfig config, Clock clock, Alerting.Outcomes listener) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.listener = listener;
    this.thread = new Thread(this::run, "jobpulse-alerts");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** New entries were written: look now rather than at the next due time. */
  void wake() {
    wakeUps.release();
  }

  /** Entries waiting, as of the sender's last pass. */
  long depth() {
    return depth.get();
  }

  private void run() {
    while (!stopping) {
      long waitMs;
      try {
        waitMs = pass();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "alert delivery pass failed; retrying", e);
        waitMs = config.retryBase().toMillis();
      }
      try {
        if (wakeUps.tryAcquire(waitMs, TimeUnit.MILLISECONDS)) {
          wakeUps.drainPermits();
        }
      } catch (InterruptedException e) {
        return; // close()
      }
    }
  }

  /** Delivers what is due; returns how long to wait before the next pass. */
  private long pass() {
    long now = clock.millis();
    List<OutboxEntry> due = new ArrayList<>();
    List<byte[]> unreadable = new ArrayList<>();
    long[] count = {0};
    long[] nextDue = {Long.MAX_VALUE};
    store.scan(Keyspace.ALERT_OUTBOX, new byte[0], (key, value) -> {
      OutboxEntry entry;
      try {
        entry = OutboxEntry.decode(value);
      } catch (UncheckedIOException e) {
        unreadable.add(key);
        return true;
      }
      count[0]++;
      if (entry.nextAttemptAt() <= now && due.size() < PASS_LIMIT) {
        due.add(entry);
      } else {
        nextDue[0] = Math.min(nextDue[0], entry.nextAttemptAt());
      }
      return true;
    });
    depth.set(count[0]);
    for (byte[] key : unreadable) {
      // Retrying what cannot be read would fail forever and hold up nothing but the log: drop it, loudly.
      LOG.log(System.Logger.Level.ERROR, "dropping an unreadable alert outbox entry");
      try (StoreBatch batch = store.newBatch()) {
        store.write(batch.delete(Keyspace.ALERT_OUTBOX, key));
      }
    }
    for (OutboxEntry entry : due) {
      if (stopping) {
        return 0;
      }
      deliver(entry);
    }
    if (due.size() == PASS_LIMIT) {
      return 0;
    }
    long wait = nextDue[0] == Long.MAX_VALUE ? config.retryCap().toMillis() : nextDue[0] - clock.millis();
    return Math.max(due.isEmpty() ? 1 : 0, Math.min(wait, config.retryCap().toMillis()));
  }

  private void deliver(OutboxEntry entry) {
    String failure;
    try {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(entry.url()))
          .timeout(REQUEST_TIMEOUT)
          .header("Content-Type", "application/json")
          .header("Idempotency-Key", entry.idempotencyKey())
          .POST(HttpRequest.BodyPublishers.ofString(entry.body()))
          .build(), HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 == 2) {
        remove(entry);
        depth.decrementAndGet();
        listener.delivered();
        return;
      }
      failure = "HTTP " + response.statusCode();
    } catch (IOException e) {
      failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // stopping: the entry stays for the next start
    }
    long delay = Math.min(config.retryCap().toMillis(),
        config.retryBase().toMillis() << Math.min(entry.attempts(), 30));
    OutboxEntry retry = entry.retryAt(clock.millis() + delay);
    listener.failed();
    LOG.log(System.Logger.Level.WARNING, "alert " + entry.idempotencyKey() + " to " + redact(entry.url())
        + " failed (" + failure + "), attempt " + retry.attempts() + "; retrying in " + delay + " ms");
    replace(entry, retry);
  }

  private void remove(OutboxEntry entry) {
    try (StoreBatch batch = store.newBatch()) {
      store.write(batch.delete(Keyspace.ALERT_OUTBOX, entry.key()));
    }
  }

  private void replace(OutboxEntry entry, OutboxEntry retry) {
    // Only if the alert was not raised again meanwhile (a fresh entry must not inherit the backoff).
    byte[] current = store.get(Keyspace.ALERT_OUTBOX, entry.key());
    if (current != null && OutboxEntry.decode(current).equals(entry)) {
      try (StoreBatch batch = store.newBatch()) {
        store.write(batch.put(Keyspace.ALERT_OUTBOX, retry.key(), retry.encode()));
      }
    }
  }

  /** A webhook URL may carry a secret in its path or query (Slack's do): log scheme, host and port only. */
  private static String redact(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/…";
  }

  @Override
  public void close() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
