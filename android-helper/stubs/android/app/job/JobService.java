package android.app.job;

import android.app.Notification;
import android.app.Service;
import android.content.Intent;
import android.os.IBinder;

/**
 * Compile-only stub (never packaged). API 21; levels per android-helper.md §2.8.
 * The hidden getTransferred*Bytes callbacks are deliberately absent, as in android.jar.
 */
public abstract class JobService extends Service {
    /** API 34. */
    public static final int JOB_END_NOTIFICATION_POLICY_REMOVE = 1;

    /** API 21. */
    @Override
    public final IBinder onBind(Intent intent) {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public abstract boolean onStartJob(JobParameters params);

    /** API 21. */
    public abstract boolean onStopJob(JobParameters params);

    /** API 21. */
    public final void jobFinished(JobParameters params, boolean wantsReschedule) {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public void onNetworkChanged(JobParameters params) {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public final void updateEstimatedNetworkBytes(JobParameters params, long downloadBytes, long uploadBytes) {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public final void updateEstimatedNetworkBytes(JobParameters params, JobWorkItem jobWorkItem,
            long downloadBytes, long uploadBytes) {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public final void updateTransferredNetworkBytes(JobParameters params, long transferredDownloadBytes,
            long transferredUploadBytes) {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public final void updateTransferredNetworkBytes(JobParameters params, JobWorkItem item,
            long transferredDownloadBytes, long transferredUploadBytes) {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public final void setNotification(JobParameters params, int notificationId, Notification notification,
            int jobEndNotificationPolicy) {
        throw new RuntimeException("Stub!");
    }
}
