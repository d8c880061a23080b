package io.jobpulse.collector.state;

/** A live parent run's child that crashed or was lost: what the parent waits on forever. */
public record WaitingOn(String childId, JobStatus status) {}
