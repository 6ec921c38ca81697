package android.app;

/** Compile-only stub (never packaged). API 1. */
public class NotificationManager {
    /** API 24. */
    public static final int IMPORTANCE_LOW = 2;

    /** API 26. */
    public void createNotificationChannel(NotificationChannel channel) {
        throw new RuntimeException("Stub!");
    }
}
