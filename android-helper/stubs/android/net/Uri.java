package android.net;

/** Compile-only stub (never packaged). API 1. */
public abstract class Uri {
    /** API 1. */
    public static Uri parse(String uriString) {
        throw new RuntimeException("Stub!");
    }
}
