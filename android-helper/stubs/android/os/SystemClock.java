package android.os;

/** Compile-only stub (never packaged). */
public final class SystemClock {
    /** API 1. */
    public static long elapsedRealtime() {
        throw new RuntimeException("Stub!");
    }
}
