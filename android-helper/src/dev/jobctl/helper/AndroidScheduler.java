package dev.jobctl.helper;

import android.app.job.JobInfo;
import android.app.job.JobScheduler;
import android.content.Context;
import android.os.Build;

import dev.jobctl.helper.core.JobSpec;
import dev.jobctl.helper.core.PendingJob;
import dev.jobctl.helper.core.SchedulerPort;
import dev.jobctl.helper.core.WorkItemSpec;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@link SchedulerPort} over the real {@code JobScheduler} (android-helper.md §2.3). */
final class AndroidScheduler implements SchedulerPort {
    private static final class AndroidJob implements BuiltJob {
        final JobSpec spec;
        final JobInfo info;

        AndroidJob(JobSpec spec, JobInfo info) {
            this.spec = spec;
            this.info = info;
        }

        @Override
        public JobSpec spec() {
            return spec;
        }
    }

    private final Context context;
    private final JobScheduler scheduler;

    AndroidScheduler(Context context, JobScheduler scheduler) {
        this.context = context;
        this.scheduler = scheduler;
    }

    @Override
    public int apiLevel() {
        return Build.VERSION.SDK_INT;
    }

    /** Namespaced scheduler; the core only passes a namespace on API 34+. */
    private JobScheduler in(String namespace) {
        return namespace == null ? scheduler : scheduler.forNamespace(namespace);
    }

    @Override
    public BuiltJob build(JobSpec spec) {
        return new AndroidJob(spec, JobInfoFactory.build(context, spec));
    }

    @Override
    public int schedule(BuiltJob job) {
        AndroidJob androidJob = (AndroidJob) job;
        return in(androidJob.spec.namespace).schedule(androidJob.info);
    }

    @Override
    public int enqueue(BuiltJob job, WorkItemSpec item) {
        AndroidJob androidJob = (AndroidJob) job;
        return in(androidJob.spec.namespace).enqueue(androidJob.info, WorkItems.build(item));
    }

    @Override
    public void cancel(String namespace, int jobId) {
        in(namespace).cancel(jobId);
    }

    @Override
    public void cancelAll(String namespace) {
        in(namespace).cancelAll();
    }

    @Override
    public void cancelInAllNamespaces() {
        scheduler.cancelInAllNamespaces();
    }

    @Override
    public List<PendingJob> pendingJobs(String namespace, boolean allNamespaces) {
        List<PendingJob> jobs = new ArrayList<PendingJob>();
        if (allNamespaces) {
            for (Map.Entry<String, List<JobInfo>> entry : scheduler.getPendingJobsInAllNamespaces().entrySet()) {
                addAll(jobs, entry.getKey(), entry.getValue());
            }
        } else {
            addAll(jobs, namespace, in(namespace).getAllPendingJobs());
        }
        return jobs;
    }

    private void addAll(List<PendingJob> out, String namespace, List<JobInfo> infos) {
        for (JobInfo info : infos) {
            out.add(describe(namespace, info));
        }
    }

    /** Getter levels per android-helper.md §2.2; absent getters stay null. */
    @SuppressWarnings("deprecation")
    private PendingJob describe(String namespace, JobInfo info) {
        int level = Build.VERSION.SDK_INT;
        PendingJob job = new PendingJob();
        job.jobId = info.getId();
        job.namespace = namespace;
        job.periodic = info.isPeriodic();
        job.intervalMs = info.getIntervalMillis();
        job.flexMs = info.getFlexMillis();
        job.minLatencyMs = info.getMinLatencyMillis();
        job.overrideDeadlineMs = info.getMaxExecutionDelayMillis();
        job.persisted = info.isPersisted();
        if (level >= 28) {
            job.prefetch = info.isPrefetch();
            job.requiresNetwork = info.getRequiredNetwork() != null;
            job.estimatedDownloadBytes = info.getEstimatedNetworkDownloadBytes();
            job.estimatedUploadBytes = info.getEstimatedNetworkUploadBytes();
        } else {
            job.requiresNetwork = info.getNetworkType() != 0;
        }
        if (level >= 31) {
            job.expedited = info.isExpedited();
        }
        if (level >= 33) {
            job.priority = info.getPriority();
        }
        if (level >= 34) {
            job.userInitiated = info.isUserInitiated();
            job.pendingReason = in(namespace).getPendingJobReason(info.getId());
        }
        return job;
    }

    @Override
    public int pendingReason(String namespace, int jobId) {
        if (Build.VERSION.SDK_INT < 34) {
            throw new UnsupportedOperationException("getPendingJobReason needs API 34");
        }
        return in(namespace).getPendingJobReason(jobId);
    }

    /*
     * The API 36/37 getters are newer than the framework jar the helper compiles against
     * (API 35), so they are called by reflection; the core calls them only on those levels.
     */

    @Override
    public int[] pendingReasons(String namespace, int jobId) {
        return (int[]) call(JobScheduler.class, in(namespace), "getPendingJobReasons", jobId);
    }

    @Override
    public List<long[]> pendingReasonsHistory(String namespace, int jobId) {
        List<long[]> out = new ArrayList<long[]>();
        Class<?> infoClass = publicClass("android.app.job.PendingJobReasonsInfo");
        for (Object info : (List<?>) call(JobScheduler.class, in(namespace), "getPendingJobReasonsHistory", jobId)) {
            long timestamp = (Long) call(infoClass, info, "getTimestampMillis");
            int[] reasons = (int[]) call(infoClass, info, "getPendingJobReasons");
            long[] entry = new long[reasons.length + 1];
            entry[0] = timestamp;
            for (int i = 0; i < reasons.length; i++) {
                entry[i + 1] = reasons[i];
            }
            out.add(entry);
        }
        return out;
    }

    @Override
    public Map<Integer, Long> pendingReasonStats(String namespace, int jobId) {
        Map<Integer, Long> out = new TreeMap<Integer, Long>();
        Map<?, ?> stats = (Map<?, ?>) call(JobScheduler.class, in(namespace), "getPendingJobReasonStats", jobId);
        for (Map.Entry<?, ?> entry : stats.entrySet()) {
            out.put((Integer) entry.getKey(), Long.valueOf(((Duration) entry.getValue()).toMillis()));
        }
        return out;
    }

    private static Class<?> publicClass(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new UnsupportedOperationException(name + " is not available on API " + Build.VERSION.SDK_INT, e);
        }
    }

    /**
     * Invokes the public no-argument or {@code int} getter {@code name} declared by the public
     * API class {@code owner} (not the hidden implementation class); the platform's own
     * exceptions propagate.
     */
    private static Object call(Class<?> owner, Object target, String name, int... args) {
        try {
            Method method = args.length == 0 ? owner.getMethod(name) : owner.getMethod(name, int.class);
            return args.length == 0 ? method.invoke(target) : method.invoke(target, args[0]);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new UnsupportedOperationException(name + " is not available on API " + Build.VERSION.SDK_INT, e);
        }
    }
}
