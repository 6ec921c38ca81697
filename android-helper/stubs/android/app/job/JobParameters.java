package android.app.job;

import android.net.Network;
import android.net.Uri;
import android.os.PersistableBundle;

/** Compile-only stub (never packaged). API 21; levels per android-helper.md §2.5. */
public class JobParameters {
    /** API 21. */
    public int getJobId() {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public PersistableBundle getExtras() {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public boolean isOverrideDeadlineExpired() {
        throw new RuntimeException("Stub!");
    }

    /** API 24. */
    public Uri[] getTriggeredContentUris() {
        throw new RuntimeException("Stub!");
    }

    /** API 24. */
    public String[] getTriggeredContentAuthorities() {
        throw new RuntimeException("Stub!");
    }

    /** API 26. */
    public JobWorkItem dequeueWork() {
        throw new RuntimeException("Stub!");
    }

    /** API 26. */
    public void completeWork(JobWorkItem work) {
        throw new RuntimeException("Stub!");
    }

    /** API 28. */
    public Network getNetwork() {
        throw new RuntimeException("Stub!");
    }

    /** API 31. */
    public int getStopReason() {
        throw new RuntimeException("Stub!");
    }

    /** API 31. */
    public boolean isExpeditedJob() {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public boolean isUserInitiatedJob() {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public String getJobNamespace() {
        throw new RuntimeException("Stub!");
    }
}
