package android.os;

/** Compile-only stub (never packaged). */
public class Process {
    /** API 1. */
    public static final int myPid() {
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    public static final int myUid() {
        throw new RuntimeException("Stub!");
    }
}
