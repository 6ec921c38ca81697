package android.app.job;

import android.content.ComponentName;
import android.net.NetworkRequest;
import android.net.Uri;
import android.os.Bundle;
import android.os.PersistableBundle;

/** Compile-only stub (never packaged). API 21; levels per android-helper.md §2.1-2.2. */
public class JobInfo {
    /** API 24. */
    public static final class TriggerContentUri {
        /** API 24. */
        public static final int FLAG_NOTIFY_FOR_DESCENDANTS = 1;

        /** API 24. */
        public TriggerContentUri(Uri uri, int flags) {
            throw new RuntimeException("Stub!");
        }
    }

    public static final class Builder {
        /** API 21. */
        public Builder(int jobId, ComponentName jobService) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder setRequiredNetworkType(int networkType) {
            throw new RuntimeException("Stub!");
        }

        /** API 28. */
        public Builder setRequiredNetwork(NetworkRequest networkRequest) {
            throw new RuntimeException("Stub!");
        }

        /** API 28. */
        public Builder setEstimatedNetworkBytes(long downloadBytes, long uploadBytes) {
            throw new RuntimeException("Stub!");
        }

        /** API 33. */
        public Builder setMinimumNetworkChunkBytes(long chunkSizeBytes) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder setRequiresCharging(boolean requiresCharging) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder setRequiresDeviceIdle(boolean requiresDeviceIdle) {
            throw new RuntimeException("Stub!");
        }

        /** API 26. */
        public Builder setRequiresBatteryNotLow(boolean batteryNotLow) {
            throw new RuntimeException("Stub!");
        }

        /** API 26. */
        public Builder setRequiresStorageNotLow(boolean storageNotLow) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder setMinimumLatency(long minLatencyMillis) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder setOverrideDeadline(long maxExecutionDelayMillis) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder setPeriodic(long intervalMillis) {
            throw new RuntimeException("Stub!");
        }

        /** API 24. */
        public Builder setPeriodic(long intervalMillis, long flexMillis) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder setBackoffCriteria(long initialBackoffMillis, int backoffPolicy) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder setPersisted(boolean isPersisted) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder setExtras(PersistableBundle extras) {
            throw new RuntimeException("Stub!");
        }

        /** API 26. */
        public Builder setTransientExtras(Bundle extras) {
            throw new RuntimeException("Stub!");
        }

        /** API 24. */
        public Builder addTriggerContentUri(TriggerContentUri uri) {
            throw new RuntimeException("Stub!");
        }

        /** API 24. */
        public Builder setTriggerContentUpdateDelay(long durationMs) {
            throw new RuntimeException("Stub!");
        }

        /** API 24. */
        public Builder setTriggerContentMaxDelay(long durationMs) {
            throw new RuntimeException("Stub!");
        }

        /** API 28, deprecated 31. */
        @Deprecated
        public Builder setImportantWhileForeground(boolean importantWhileForeground) {
            throw new RuntimeException("Stub!");
        }

        /** API 28. */
        public Builder setPrefetch(boolean prefetch) {
            throw new RuntimeException("Stub!");
        }

        /** API 31. */
        public Builder setExpedited(boolean expedited) {
            throw new RuntimeException("Stub!");
        }

        /** API 33. */
        public Builder setPriority(int priority) {
            throw new RuntimeException("Stub!");
        }

        /** API 34. */
        public Builder setUserInitiated(boolean userInitiated) {
            throw new RuntimeException("Stub!");
        }

        /** API 35. */
        public Builder addDebugTag(String tag) {
            throw new RuntimeException("Stub!");
        }

        /** API 35. */
        public Builder setTraceTag(String traceTag) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public JobInfo build() {
            throw new RuntimeException("Stub!");
        }
    }

    /** API 21. */
    public int getId() {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public boolean isPeriodic() {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public long getIntervalMillis() {
        throw new RuntimeException("Stub!");
    }

    /** API 24. */
    public long getFlexMillis() {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public long getMinLatencyMillis() {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public long getMaxExecutionDelayMillis() {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public boolean isPersisted() {
        throw new RuntimeException("Stub!");
    }

    /** API 31. */
    public boolean isExpedited() {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public boolean isUserInitiated() {
        throw new RuntimeException("Stub!");
    }

    /** API 28. */
    public boolean isPrefetch() {
        throw new RuntimeException("Stub!");
    }

    /** API 33. */
    public int getPriority() {
        throw new RuntimeException("Stub!");
    }

    /** API 21, deprecated 28. */
    @Deprecated
    public int getNetworkType() {
        throw new RuntimeException("Stub!");
    }

    /** API 28. */
    public NetworkRequest getRequiredNetwork() {
        throw new RuntimeException("Stub!");
    }

    /** API 28. */
    public long getEstimatedNetworkDownloadBytes() {
        throw new RuntimeException("Stub!");
    }

    /** API 28. */
    public long getEstimatedNetworkUploadBytes() {
        throw new RuntimeException("Stub!");
    }
}
