package io.jobpulse.testapp.dbscheduler;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;

/**
 * An application running db-scheduler on an H2 file database.
 *
 * <ul>
 *   <li>{@code run DB}: schedules an invoice (succeeds) and a card charge (throws), prints what
 *       they did, exits;
 *   <li>{@code hang DB}: schedules an index rebuild that never finishes (the test kills the JVM);
 *   <li>{@code revive DB}: schedules nothing; db-scheduler finds the killed JVM's dead execution,
 *       revives it, and this time the rebuild finishes.
 * </ul>
 */
public class DbSchedulerApp {

  private static final List<String> LOG = new CopyOnWriteArrayList<>();
  private static final CountDownLatch DONE = new CountDownLatch(2);
  private static final CountDownLatch REBUILT = new CountDownLatch(1);
  private static volatile boolean hang;

  private static final OneTimeTask<Void> INVOICE = Tasks.oneTime("send-invoice").execute((instance, context) -> {
    LOG.add("invoice " + instance.getId() + " sent");
    DONE.countDown();
  });

  private static final OneTimeTask<Void> CHARGE = Tasks.oneTime("charge-card").execute((instance, context) -> {
    try {
      LOG.add("charging " + instance.getId());
      throw new IllegalStateException("card declined for " + instance.getId());
    } finally {
      DONE.countDown();
    }
  });

  private static final OneTimeTask<Void> REBUILD = Tasks.oneTime("rebuild-index").execute((instance, context) -> {
    if (hang) {
      System.out.println("rebuilding " + instance.getId());
      System.out.flush();
      awaitForever();
    }
    System.out.println("rebuilt " + instance.getId());
    REBUILT.countDown();
  });

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    hang = mode.equals("hang");
    JdbcDataSource dataSource = new JdbcDataSource();
    // Each JVM runs alone on the file; the killed one leaves a lock file that must not stop the next.
    dataSource.setURL("jdbc:h2:file:" + args[1] + ";FILE_LOCK=NO;WRITE_DELAY=0");
    createTable(dataSource);
    Scheduler scheduler = Scheduler.create(dataSource, INVOICE, CHARGE, REBUILD)
        .threads(2)
        .pollingInterval(Duration.ofMillis(200))
        .heartbeatInterval(Duration.ofMillis(300))
        .missedHeartbeatsLimit(4)
        .shutdownMaxWait(Duration.ofSeconds(1))
        .build();
    scheduler.start();
    switch (mode) {
      case "run":
        scheduler.schedule(INVOICE.instance("order-42"), Instant.now());
        scheduler.schedule(CHARGE.instance("order-43"), Instant.now());
        if (!DONE.await(60, TimeUnit.SECONDS)) {
          System.out.println("the tasks never ran");
        }
        LOG.stream().sorted().forEach(System.out::println);
        break;
      case "hang":
        scheduler.schedule(REBUILD.instance("index-7"), Instant.now());
        awaitForever();
        break;
      case "revive":
        if (!REBUILT.await(60, TimeUnit.SECONDS)) {
          System.out.println("the dead execution was never revived");
        }
        break;
      default:
        throw new IllegalArgumentException("mode: run, hang or revive");
    }
    scheduler.stop();
  }

  private static void createTable(JdbcDataSource dataSource) throws Exception {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create table if not exists scheduled_tasks ("
          + "task_name varchar(100) not null, task_instance varchar(100) not null, task_data blob,"
          + " execution_time timestamp(6) with time zone not null, picked boolean not null, picked_by varchar(50),"
          + " last_success timestamp(6) with time zone, last_failure timestamp(6) with time zone,"
          + " consecutive_failures int, last_heartbeat timestamp(6) with time zone, version bigint not null,"
          + " priority smallint, primary key (task_name, task_instance))");
    }
  }

  private static void awaitForever() {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
