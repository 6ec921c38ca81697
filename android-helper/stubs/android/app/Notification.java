package android.app;

import android.content.Context;

/** Compile-only stub (never packaged). API 1. */
public class Notification {
    public static class Builder {
        /** API 26. */
        public Builder(Context context, String channelId) {
            throw new RuntimeException("Stub!");
        }

        /** API 11. */
        public Builder setSmallIcon(int icon) {
            throw new RuntimeException("Stub!");
        }

        /** API 11. */
        public Builder setContentTitle(CharSequence title) {
            throw new RuntimeException("Stub!");
        }

        /** API 11. */
        public Builder setOngoing(boolean ongoing) {
            throw new RuntimeException("Stub!");
        }

        /** API 16. */
        public Notification build() {
            throw new RuntimeException("Stub!");
        }
    }
}
