package io.jobpulse.sample.dbscheduler;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.jobpulse.sample.jobs.EnrichmentBatch;
import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Runs one enrichment batch the way a db-scheduler application does: a one-time task {@value
 * #TASK}, its instance id the batch id, in an embedded H2 file database (a fresh temporary
 * directory, removed after a run that ends, or one the caller names and keeps). Waits for the task
 * and stops the scheduler.
 *
 * <p>On a named database, several workers may run one after the other: the batch is scheduled only
 * if absent, so a worker started after another was killed mid-task schedules nothing and lets
 * db-scheduler revive the dead execution, which it does once the dead worker has missed {@value
 * #MISSED_HEARTBEATS} heartbeats of {@link #HEARTBEAT}.
 */
public final class DbSchedulerEnrichment {

  static final String TASK = "enrich-firms";
  /** Short, so a dead execution is revived within seconds rather than db-scheduler's minutes. */
  private static final Duration HEARTBEAT = Duration.ofMillis(300);
  private static final int MISSED_HEARTBEATS = 4;

  private DbSchedulerEnrichment() {}

  /**
   * Returns the number of firms enriched; with {@code rejected}, the task throws once the batch is
   * enriched, as when the registry refuses its results.
   */
  public static int run(EnrichmentBatch batch, FirmEnrichmentJob enrichment, boolean rejected)
      throws IOException, SQLException, InterruptedException, ExecutionException {
    Path database = Files.createTempDirectory("sample-app-db-scheduler");
    try {
      return runOn("jdbc:h2:file:" + database.resolve("scheduler"), batch, enrichment, rejected);
    } finally {
      deleteRecursively(database);
    }
  }

  /**
   * As {@link #run(EnrichmentBatch, FirmEnrichmentJob, boolean)}, on the H2 database at {@code
   * database}, which is kept; schedules the batch only if the database does not hold it already.
   */
  public static int runOn(
      Path database, EnrichmentBatch batch, FirmEnrichmentJob enrichment, boolean rejected)
      throws SQLException, InterruptedException, ExecutionException {
    // A worker killed on this file leaves its lock behind; it must not stop the next worker.
    return runOn("jdbc:h2:file:" + database + ";FILE_LOCK=NO;WRITE_DELAY=0",
        batch, enrichment, rejected);
  }

  private static int runOn(
      String url, EnrichmentBatch batch, FirmEnrichmentJob enrichment, boolean rejected)
      throws SQLException, InterruptedException, ExecutionException {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(url);
    createTable(dataSource);
    CompletableFuture<Integer> result = new CompletableFuture<>();
    OneTimeTask<Void> task =
        Tasks.oneTime(TASK)
            .execute(
                (instance, context) -> {
                  try {
                    int enriched = enrichment.run(batch);
                    if (rejected) {
                      throw new IllegalStateException(
                          "registry rejected the results of batch " + instance.getId());
                    }
                    result.complete(enriched);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    result.completeExceptionally(e);
                  } catch (RuntimeException e) {
                    // Thrown on, so db-scheduler records the failure as it would any task's.
                    result.completeExceptionally(e);
                    throw e;
                  }
                });
    Scheduler scheduler =
        Scheduler.create(dataSource, task)
            .threads(1)
            .pollingInterval(Duration.ofMillis(200))
            .enableImmediateExecution()
            .heartbeatInterval(HEARTBEAT)
            .missedHeartbeatsLimit(MISSED_HEARTBEATS)
            .shutdownMaxWait(Duration.ofSeconds(1))
            .build();
    scheduler.start();
    try {
      // A fresh database never holds the batch; a named one holds it if a worker died running it.
      scheduler.scheduleIfNotExists(task.instance(batch.batchId()), Instant.now());
      return result.get();
    } finally {
      scheduler.stop();
    }
  }

  /** db-scheduler's table, as its documentation gives it for H2. */
  private static void createTable(JdbcDataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "create table if not exists scheduled_tasks ("
              + "task_name varchar(100) not null, task_instance varchar(100) not null,"
              + " task_data blob, execution_time timestamp(6) with time zone not null,"
              + " picked boolean not null, picked_by varchar(50),"
              + " last_success timestamp(6) with time zone, last_failure timestamp(6) with time zone,"
              + " consecutive_failures int, last_heartbeat timestamp(6) with time zone,"
              + " version bigint not null, priority smallint,"
              + " primary key (task_name, task_instance))");
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
