package android.app;

/** Compile-only stub (never packaged). API 26. */
public final class NotificationChannel {
    /** API 26. */
    public NotificationChannel(String id, CharSequence name, int importance) {
        throw new RuntimeException("Stub!");
    }
}
