package android.app.job;

import android.content.Intent;
import android.os.PersistableBundle;

/** Compile-only stub (never packaged). API 26; levels per android-helper.md §2.4. */
public final class JobWorkItem {
    /** API 34. */
    public static final class Builder {
        /** API 34. */
        public Builder() {
            throw new RuntimeException("Stub!");
        }

        /** API 34. */
        public Builder setExtras(PersistableBundle extras) {
            throw new RuntimeException("Stub!");
        }

        /** API 34. */
        public Builder setEstimatedNetworkBytes(long downloadBytes, long uploadBytes) {
            throw new RuntimeException("Stub!");
        }

        /** API 34. */
        public Builder setMinimumNetworkChunkBytes(long chunkSizeBytes) {
            throw new RuntimeException("Stub!");
        }

        /** API 34. */
        public JobWorkItem build() {
            throw new RuntimeException("Stub!");
        }
    }

    /** API 26. */
    public JobWorkItem(Intent intent) {
        throw new RuntimeException("Stub!");
    }

    /** API 28. */
    public JobWorkItem(Intent intent, long downloadBytes, long uploadBytes) {
        throw new RuntimeException("Stub!");
    }

    /** API 33. */
    public JobWorkItem(Intent intent, long downloadBytes, long uploadBytes, long minimumChunkBytes) {
        throw new RuntimeException("Stub!");
    }

    /** API 26. */
    public Intent getIntent() {
        throw new RuntimeException("Stub!");
    }

    /** API 26. */
    public int getDeliveryCount() {
        throw new RuntimeException("Stub!");
    }

    /** API 34. */
    public PersistableBundle getExtras() {
        throw new RuntimeException("Stub!");
    }
}
