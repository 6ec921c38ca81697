package android.os;

/** Compile-only stub (never packaged). API 21. */
public final class PersistableBundle extends BaseBundle {
    public PersistableBundle() {
        throw new RuntimeException("Stub!");
    }
}
