package android.app.job;

import java.util.List;
import java.util.Map;

/** Compile-only stub (never packaged). API 21; levels per android-helper.md §2.3. */
public abstract class JobScheduler {
    /** API 21. */
    public static final int RESULT_SUCCESS = 1;

    /** API 21. */
    public abstract int schedule(JobInfo job);

    /** API 26. */
    public abstract int enqueue(JobInfo job, JobWorkItem work);

    /** API 21. */
    public abstract void cancel(int jobId);

    /** API 21; from 34 only the current namespace. */
    public abstract void cancelAll();

    /** API 21. */
    public abstract List<JobInfo> getAllPendingJobs();

    /** API 34. */
    public JobScheduler forNamespace(String namespace) {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public void cancelInAllNamespaces() {
        throw new RuntimeException("Stub!");
    }

    /** API 34. Keys are namespaces (null = default namespace). */
    public Map<String, List<JobInfo>> getPendingJobsInAllNamespaces() {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public int getPendingJobReason(int jobId) {
        throw new RuntimeException("Stub!");
    }
}
