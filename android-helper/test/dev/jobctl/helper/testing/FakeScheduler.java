package dev.jobctl.helper.testing;

import dev.jobctl.helper.core.JobSpec;
import dev.jobctl.helper.core.JsonWriter;
import dev.jobctl.helper.core.PendingJob;
import dev.jobctl.helper.core.SchedulerPort;
import dev.jobctl.helper.core.WorkItemSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory JobScheduler for contract vectors and unit tests. Its rules are listed in
 * tests/contract/README.md ("The fake scheduler"); messages are the platform's
 * (android-helper.md §3.1, §3.2).
 */
public final class FakeScheduler implements SchedulerPort {
    static final int MAX_JOBS = 150;
    private static final long MIN_PERIOD_MS = 15 * 60 * 1000L;
    private static final long MIN_FLEX_MS = 5 * 60 * 1000L;

    /** A queued or active work item. */
    static final class Item {
        final WorkItemSpec spec;
        int deliveryCount;

        Item(WorkItemSpec spec) {
            this.spec = spec;
        }
    }

    /** A stored job and its pending work. */
    static final class Job {
        final JobSpec spec;
        final Deque<Item> queue = new ArrayDeque<Item>();

        Job(JobSpec spec) {
            this.spec = spec;
        }
    }

    private static final class FakeBuiltJob implements BuiltJob {
        private final JobSpec spec;

        FakeBuiltJob(JobSpec spec) {
            this.spec = spec;
        }

        @Override
        public JobSpec spec() {
            return spec;
        }
    }

    private final int apiLevel;
    private final Set<Integer> failingJobIds;
    private final Map<String, Job> jobs = new LinkedHashMap<String, Job>();

    public FakeScheduler(int apiLevel, Set<Integer> failingJobIds) {
        this.apiLevel = apiLevel;
        this.failingJobIds = failingJobIds;
    }

    static String key(String namespace, int jobId) {
        return (namespace == null ? "" : namespace) + "/" + jobId;
    }

    Job job(String namespace, int jobId) {
        return jobs.get(key(namespace, jobId));
    }

    void remove(String namespace, int jobId) {
        jobs.remove(key(namespace, jobId));
    }

    /** Adds {@code count} plain jobs (ids from {@code firstId}) without any checks. */
    void preload(int firstId, int count) {
        for (int id = firstId; id < firstId + count; id++) {
            Map<String, Object> raw = new LinkedHashMap<String, Object>();
            raw.put("job_id", (long) id);
            jobs.put(key(null, id), new Job(JobSpecs.parse(raw)));
        }
    }

    @Override
    public int apiLevel() {
        return apiLevel;
    }

    private static boolean hasNetwork(JobSpec spec) {
        return spec.networkRequest != null || (spec.networkType != null && spec.networkType != 0);
    }

    private static boolean positive(Long value) {
        return value != null && value > 0;
    }

    @Override
    public BuiltJob build(JobSpec spec) {
        boolean periodic = spec.periodicIntervalMs != null;
        if (spec.requiresDeviceIdle && spec.backoffInitialMs != null) {
            throw new IllegalArgumentException("An idle mode job will not respect any back-off policy, so calling "
                    + "setBackoffCriteria with setRequiresDeviceIdle is an error.");
        }
        if ((positive(spec.estimatedDownloadBytes) || positive(spec.estimatedUploadBytes)
                || positive(spec.minChunkBytes)) && !hasNetwork(spec)) {
            throw new IllegalArgumentException("Can't provide estimated network usage without requiring a network");
        }
        if (periodic && positive(spec.overrideDeadlineMs)) {
            throw new IllegalArgumentException("Can't call setOverrideDeadline() on a periodic job.");
        }
        if (periodic && positive(spec.minLatencyMs)) {
            throw new IllegalArgumentException("Can't call setMinimumLatency() on a periodic job");
        }
        if (spec.persisted && !spec.triggerUris.isEmpty()) {
            throw new IllegalArgumentException("Can't call addTriggerContentUri() on a persisted job");
        }
        if (spec.expedited && positive(spec.minLatencyMs)) {
            throw new IllegalArgumentException("An expedited job cannot have a time delay");
        }
        if (spec.expedited && periodic) {
            throw new IllegalArgumentException("An expedited job cannot be periodic");
        }
        if (spec.userInitiated && !hasNetwork(spec)) {
            throw new IllegalArgumentException("A user-initiated data transfer job must specify a valid network type");
        }
        return new FakeBuiltJob(spec);
    }

    private void checkJobLimit() {
        if (jobs.size() > MAX_JOBS) {
            throw new IllegalStateException("Apps may not schedule more than " + MAX_JOBS + " distinct jobs");
        }
    }

    @Override
    public int schedule(BuiltJob built) {
        JobSpec spec = built.spec();
        checkJobLimit();
        if (failingJobIds.contains(spec.jobId)) {
            return 0;
        }
        jobs.put(key(spec.namespace, spec.jobId), new Job(spec));
        return RESULT_SUCCESS;
    }

    @Override
    public int enqueue(BuiltJob built, WorkItemSpec item) {
        JobSpec spec = built.spec();
        if (positive(item.estimatedDownloadBytes) || positive(item.estimatedUploadBytes)) {
            if (!hasNetwork(spec)) {
                throw new IllegalArgumentException(
                        "JobWorkItem implies network usage but job doesn't specify a network constraint");
            }
        }
        checkJobLimit();
        if (failingJobIds.contains(spec.jobId)) {
            return 0;
        }
        String key = key(spec.namespace, spec.jobId);
        Job job = jobs.get(key);
        if (job == null || !sameSpec(job.spec, spec)) {
            job = new Job(spec);
            jobs.put(key, job);
        }
        job.queue.addLast(new Item(item));
        return RESULT_SUCCESS;
    }

    private static boolean sameSpec(JobSpec a, JobSpec b) {
        return JsonWriter.write(a.raw).equals(JsonWriter.write(b.raw));
    }

    @Override
    public void cancel(String namespace, int jobId) {
        remove(namespace, jobId);
    }

    @Override
    public void cancelAll(String namespace) {
        for (Job job : new ArrayList<Job>(jobs.values())) {
            if (namespace == null ? job.spec.namespace == null : namespace.equals(job.spec.namespace)) {
                remove(job.spec.namespace, job.spec.jobId);
            }
        }
    }

    @Override
    public void cancelInAllNamespaces() {
        jobs.clear();
    }

    @Override
    public List<PendingJob> pendingJobs(String namespace, boolean allNamespaces) {
        List<PendingJob> out = new ArrayList<PendingJob>();
        for (Job job : jobs.values()) {
            boolean sameNamespace = namespace == null ? job.spec.namespace == null
                    : namespace.equals(job.spec.namespace);
            if (allNamespaces || sameNamespace) {
                out.add(describe(job.spec));
            }
        }
        return out;
    }

    /** Known job: UNDEFINED (0); unknown: INVALID_JOB_ID (-2) (tests/contract/README.md). */
    @Override
    public int pendingReason(String namespace, int jobId) {
        return find(namespace, jobId) == null ? -2 : 0;
    }

    @Override
    public int[] pendingReasons(String namespace, int jobId) {
        return new int[] {pendingReason(namespace, jobId)};
    }

    /** The fake records no history: a job's reasons never change. */
    @Override
    public List<long[]> pendingReasonsHistory(String namespace, int jobId) {
        checkKnown(namespace, jobId);
        return new ArrayList<long[]>();
    }

    /** No time passes waiting in the fake platform: an empty map. */
    @Override
    public Map<Integer, Long> pendingReasonStats(String namespace, int jobId) {
        checkKnown(namespace, jobId);
        return new java.util.TreeMap<Integer, Long>();
    }

    /**
     * The history and stats of an unknown job throw as the platform does: Android 16's
     * "Invalid job id", Android 17's "Job not found for uid=…, namespace=…, jobId=…"
     * (tests/contract/README.md).
     */
    private void checkKnown(String namespace, int jobId) {
        if (find(namespace, jobId) == null) {
            throw new IllegalArgumentException(apiLevel < 37 ? "Invalid job id"
                    : "Job not found for uid=" + ContractRunner.OWN_UID + ", namespace=" + namespace
                            + ", jobId=" + jobId);
        }
    }

    private Job find(String namespace, int jobId) {
        for (Job job : jobs.values()) {
            boolean sameNamespace = namespace == null ? job.spec.namespace == null
                    : namespace.equals(job.spec.namespace);
            if (sameNamespace && job.spec.jobId == jobId) {
                return job;
            }
        }
        return null;
    }

    private PendingJob describe(JobSpec spec) {
        PendingJob job = new PendingJob();
        job.jobId = spec.jobId;
        job.namespace = spec.namespace;
        job.periodic = spec.periodicIntervalMs != null;
        if (job.periodic) {
            // Clamped, not rejected (android-helper.md §3.4).
            job.intervalMs = Math.max(spec.periodicIntervalMs, MIN_PERIOD_MS);
            long flex = spec.periodicFlexMs == null ? job.intervalMs : spec.periodicFlexMs;
            long minFlex = Math.max(MIN_FLEX_MS, job.intervalMs * 5 / 100);
            job.flexMs = Math.min(Math.max(flex, minFlex), job.intervalMs);
        }
        job.minLatencyMs = spec.minLatencyMs == null ? 0 : spec.minLatencyMs;
        job.overrideDeadlineMs = spec.overrideDeadlineMs == null ? 0 : spec.overrideDeadlineMs;
        job.persisted = spec.persisted;
        job.requiresNetwork = hasNetwork(spec);
        if (apiLevel >= 28) {
            job.prefetch = spec.prefetch;
            job.estimatedDownloadBytes = spec.estimatedDownloadBytes == null ? -1 : spec.estimatedDownloadBytes;
            job.estimatedUploadBytes = spec.estimatedUploadBytes == null ? -1 : spec.estimatedUploadBytes;
        }
        if (apiLevel >= 31) {
            job.expedited = spec.expedited;
        }
        if (apiLevel >= 33) {
            boolean max = spec.expedited || spec.userInitiated;
            job.priority = spec.priority != null ? spec.priority : (max ? 500 : 300);
        }
        if (apiLevel >= 34) {
            job.userInitiated = spec.userInitiated;
            job.pendingReason = 0;
        }
        return job;
    }
}
