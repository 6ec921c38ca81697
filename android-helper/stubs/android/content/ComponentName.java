package android.content;

/** Compile-only stub (never packaged). */
public final class ComponentName {
    /** API 1. */
    public ComponentName(Context pkg, Class<?> cls) {
        throw new RuntimeException("Stub!");
    }
}
