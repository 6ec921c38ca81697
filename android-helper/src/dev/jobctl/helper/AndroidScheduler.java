package dev.jobctl.helper;

import android.app.job.JobInfo;
import android.app.job.JobScheduler;
import android.content.Context;
import android.os.Build;

import dev.jobctl.helper.core.JobSpec;
import dev.jobctl.helper.core.PendingJob;
import dev.jobctl.helper.core.SchedulerPort;
import dev.jobctl.helper.core.WorkItemSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
}
