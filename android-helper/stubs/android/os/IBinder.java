package android.os;

/** Compile-only stub (never packaged). API 1. */
public interface IBinder {
}
