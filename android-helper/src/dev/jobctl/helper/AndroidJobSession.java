package dev.jobctl.helper;

import android.app.job.JobParameters;
import android.app.job.JobService;
import android.app.job.JobWorkItem;
import android.os.Build;

import dev.jobctl.helper.core.DequeuedWork;
import dev.jobctl.helper.core.JobSession;

/** {@link JobSession} over one {@code JobParameters} (android-helper.md §2.5, §2.8). */
final class AndroidJobSession implements JobSession {
    private final JobService service;
    /** Null once the script abandoned the job ({@link #abandon}). */
    private JobParameters params;

    AndroidJobSession(JobService service, JobParameters params) {
        this.service = service;
        this.params = params;
    }

    @Override
    public DequeuedWork dequeueWork() {
        JobWorkItem item = params.dequeueWork();
        return item == null ? null : WorkItems.read(item);
    }

    @Override
    public void completeWork(DequeuedWork work) {
        params.completeWork((JobWorkItem) work.platformItem);
    }

    @Override
    public boolean reportTransferred(DequeuedWork work, long down, long up) {
        if (Build.VERSION.SDK_INT < 34) {
            return false;
        }
        if (work == null) {
            service.updateTransferredNetworkBytes(params, down, up);
        } else {
            service.updateTransferredNetworkBytes(params, (JobWorkItem) work.platformItem, down, up);
        }
        return true;
    }

    @Override
    public boolean reportEstimated(DequeuedWork work, long down, long up) {
        if (Build.VERSION.SDK_INT < 34) {
            return false;
        }
        if (work == null) {
            service.updateEstimatedNetworkBytes(params, down, up);
        } else {
            service.updateEstimatedNetworkBytes(params, (JobWorkItem) work.platformItem, down, up);
        }
        return true;
    }

    /**
     * Drops the only reference the helper keeps and asks for a collection: on API 36 the
     * platform's cleaner then reports the job abandoned (JobParameters.JobCleanupCallback);
     * earlier levels notice nothing and the job simply times out.
     */
    @Override
    public void abandon() {
        params = null;
        Runtime.getRuntime().gc();
    }

    @Override
    public void jobFinished(boolean reschedule) {
        service.jobFinished(params, reschedule);
    }

    /** Only called for user-initiated jobs, which exist from API 34. */
    @Override
    public void postNotification() {
        service.setNotification(params, UserInitiatedNotification.NOTIFICATION_ID,
                UserInitiatedNotification.build(service, params.getJobId()),
                JobService.JOB_END_NOTIFICATION_POLICY_REMOVE);
    }
}
