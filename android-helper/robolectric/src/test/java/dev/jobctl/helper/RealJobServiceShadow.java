package dev.jobctl.helper;

import static org.robolectric.util.reflector.Reflector.reflector;

import android.app.Notification;
import android.app.job.JobParameters;
import android.app.job.JobService;
import android.app.job.JobWorkItem;

import org.robolectric.annotation.Implementation;
import org.robolectric.annotation.Implements;
import org.robolectric.annotation.RealObject;
import org.robolectric.shadows.ShadowJobService;
import org.robolectric.util.reflector.Direct;
import org.robolectric.util.reflector.ForType;

/**
 * Robolectric's own ShadowJobService replaces {@code jobFinished}, {@code setNotification} and
 * the {@code update*NetworkBytes} calls with flags. This shadow undoes that: each call runs the
 * framework's real {@code JobService} code, which hands it to {@code JobServiceEngine} and,
 * through its handler, to the job's {@code IJobCallback} ({@link FakeJobCallback}).
 */
@Implements(JobService.class)
public class RealJobServiceShadow extends ShadowJobService {
    @RealObject
    private JobService realService;

    @Override
    @Implementation
    protected void jobFinished(JobParameters params, boolean wantsReschedule) {
        reflector(Real.class, realService).jobFinished(params, wantsReschedule);
    }

    @Override
    @Implementation(minSdk = 34)
    protected void setNotification(JobParameters params, int id, Notification notification, int policy) {
        reflector(Real.class, realService).setNotification(params, id, notification, policy);
    }

    @Override
    @Implementation(minSdk = 34)
    protected void updateEstimatedNetworkBytes(JobParameters params, long down, long up) {
        reflector(Real.class, realService).updateEstimatedNetworkBytes(params, down, up);
    }

    @Implementation(minSdk = 34)
    protected void updateEstimatedNetworkBytes(JobParameters params, JobWorkItem item, long down, long up) {
        reflector(Real.class, realService).updateEstimatedNetworkBytes(params, item, down, up);
    }

    @Override
    @Implementation(minSdk = 34)
    protected void updateTransferredNetworkBytes(JobParameters params, long down, long up) {
        reflector(Real.class, realService).updateTransferredNetworkBytes(params, down, up);
    }

    @Implementation(minSdk = 34)
    protected void updateTransferredNetworkBytes(JobParameters params, JobWorkItem item, long down, long up) {
        reflector(Real.class, realService).updateTransferredNetworkBytes(params, item, down, up);
    }

    @ForType(JobService.class)
    interface Real {
        @Direct
        void jobFinished(JobParameters params, boolean wantsReschedule);

        @Direct
        void setNotification(JobParameters params, int id, Notification notification, int policy);

        @Direct
        void updateEstimatedNetworkBytes(JobParameters params, long down, long up);

        @Direct
        void updateEstimatedNetworkBytes(JobParameters params, JobWorkItem item, long down, long up);

        @Direct
        void updateTransferredNetworkBytes(JobParameters params, long down, long up);

        @Direct
        void updateTransferredNetworkBytes(JobParameters params, JobWorkItem item, long down, long up);
    }
}
