package android.util;

/** Compile-only stub (never packaged). */
public final class Log {
    /** API 1. */
    public static int i(String tag, String msg) {
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    public static int w(String tag, String msg, Throwable tr) {
        throw new RuntimeException("Stub!");
    }
}
