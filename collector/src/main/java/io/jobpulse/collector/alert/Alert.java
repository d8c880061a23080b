package io.jobpulse.collector.alert;

import io.jobpulse.collector.state.Job;
import java.util.ArrayList;
import java.util.List;

/**
 * Something worth telling a human: a flag raised on runs, or runs completing.
 *
 * @param idempotencyKey stable for the same event: (run, flag type) for one run's flag, (worker,
 *     flag type, time) for a worker's runs flagged together, the run for a completion
 * @param kind {@code job_flagged}, {@code worker_jobs_flagged} or {@code job_completed}
 * @param flagType the flag's type, {@code null} for a completion
 * @param worker the worker of a grouped alert, else {@code null}
 * @param jobs the runs concerned, as they are after the change
 */
record Alert(String idempotencyKey, String kind, String flagType, String reason, String worker, long at,
    List<Job> jobs) {

  static final String JOB_FLAGGED = "job_flagged";
  static final String WORKER_JOBS_FLAGGED = "worker_jobs_flagged";
  static final String JOB_COMPLETED = "job_completed";

  Alert with(Job job) {
    List<Job> more = new ArrayList<>(jobs);
    more.add(job);
    return new Alert(idempotencyKey, kind, flagType, reason, worker, at, List.copyOf(more));
  }
}
