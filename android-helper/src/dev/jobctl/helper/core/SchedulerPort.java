package dev.jobctl.helper.core;

import java.util.List;
import java.util.Map;

/**
 * The helper's view of {@code android.app.job.JobScheduler}. Implementations let platform
 * exceptions propagate unchanged: the core relays their type and message (PROTOCOL.md §4).
 */
public interface SchedulerPort {
    /** {@code JobScheduler.RESULT_SUCCESS} (android-helper.md §2.3). */
    int RESULT_SUCCESS = 1;

    /** A {@code JobInfo} built from a spec; opaque to the core. */
    interface BuiltJob {
        JobSpec spec();
    }

    int apiLevel();

    /** Runs {@code JobInfo.Builder.build()}; throws what the builder throws. */
    BuiltJob build(JobSpec spec);

    /** {@code JobScheduler.schedule()} in the spec's namespace; returns the RESULT_* code. */
    int schedule(BuiltJob job);

    /** {@code JobScheduler.enqueue()} in the spec's namespace; returns the RESULT_* code. */
    int enqueue(BuiltJob job, WorkItemSpec item);

    void cancel(String namespace, int jobId);

    void cancelAll(String namespace);

    /** API 34+ only; the caller checks the level. */
    void cancelInAllNamespaces();

    /** Pending jobs of one namespace, or of all namespaces (API 34+) when {@code allNamespaces}. */
    List<PendingJob> pendingJobs(String namespace, boolean allNamespaces);

    /** {@code getPendingJobReason} (API 34+; the caller checks the level). */
    int pendingReason(String namespace, int jobId);

    /** {@code getPendingJobReasons} (API 36; the caller checks the level). */
    int[] pendingReasons(String namespace, int jobId);

    /**
     * {@code getPendingJobReasonsHistory} (API 36): one array per {@code PendingJobReasonsInfo},
     * {@code {getTimestampMillis(), reason, reason, ...}}, oldest first. The platform's
     * IllegalArgumentException for an unknown job propagates.
     */
    List<long[]> pendingReasonsHistory(String namespace, int jobId);

    /**
     * {@code getPendingJobReasonStats} (API 37): reason to cumulative milliseconds. The
     * platform's IllegalArgumentException for an unknown job propagates.
     */
    Map<Integer, Long> pendingReasonStats(String namespace, int jobId);
}
