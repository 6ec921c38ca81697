package android.content;

import android.os.Bundle;

/** Compile-only stub (never packaged). API 1. */
public abstract class BroadcastReceiver {
    /** API 11. */
    public static class PendingResult {
        /** API 11. */
        public final void setResult(int code, String data, Bundle extras) {
            throw new RuntimeException("Stub!");
        }

        /** API 11. */
        public final void finish() {
            throw new RuntimeException("Stub!");
        }
    }

    public BroadcastReceiver() {
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    public abstract void onReceive(Context context, Intent intent);

    /** API 11. */
    public final PendingResult goAsync() {
        throw new RuntimeException("Stub!");
    }

    /** API 34. Returns -1 (Process.INVALID_UID) unless the sender shared its identity. */
    public int getSentFromUid() {
        throw new RuntimeException("Stub!");
    }
}
