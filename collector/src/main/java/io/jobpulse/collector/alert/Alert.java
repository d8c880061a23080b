package io.jobpulse.collector.alert;

import io.jobpulse.collector.state.Job;
import java.util.ArrayList;
import java.util.List;

/**
 * Something worth telling a human: a flag raised on runs, runs completing, or a job name failing
 * again and again.
 *
 * @param idempotencyKey stable for the same event: (run, flag type) for one run's flag, (worker,
 *     flag type, time) for a worker's runs flagged together, the run for a completion, (service,
 *     name, window start) for a failure storm
 * @param kind {@code job_flagged}, {@code worker_jobs_flagged}, {@code job_completed} or {@code
 *     job_failing}
 * @param flagType the flag's type, {@code null} for a completion or a failure storm
 * @param worker the worker of a grouped alert, else {@code null}
 * @param jobs the runs concerned, as they are after the change (a storm's latest failed run)
 * @param storm the counts of a {@code job_failing} alert, else {@code null}
 */
record Alert(String idempotencyKey, String kind, String flagType, String reason, String worker, long at,
    List<Job> jobs, FailureStorms.Storm storm) {

  static final String JOB_FLAGGED = "job_flagged";
  static final String WORKER_JOBS_FLAGGED = "worker_jobs_flagged";
  static final String JOB_COMPLETED = "job_completed";
  static final String JOB_FAILING = "job_failing";

  Alert(String idempotencyKey, String kind, String flagType, String reason, String worker, long at, List<Job> jobs) {
    this(idempotencyKey, kind, flagType, reason, worker, at, jobs, null);
  }

  Alert with(Job job) {
    List<Job> more = new ArrayList<>(jobs);
    more.add(job);
    return new Alert(idempotencyKey, kind, flagType, reason, worker, at, List.copyOf(more), storm);
  }
}
