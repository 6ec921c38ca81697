package android.os;

/** Compile-only stub (never packaged). API 1. */
public final class Bundle extends BaseBundle {
    public Bundle() {
        throw new RuntimeException("Stub!");
    }
}
