package android.os;

/** Compile-only stub (never packaged). Public base class of Bundle and PersistableBundle since API 21. */
public class BaseBundle {
    /** API 21. */
    public void putString(String key, String value) {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public String getString(String key) {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public void putLong(String key, long value) {
        throw new RuntimeException("Stub!");
    }

    /** API 21. */
    public void putDouble(String key, double value) {
        throw new RuntimeException("Stub!");
    }

    /** API 22 (PersistableBundle and Bundle). */
    public void putBoolean(String key, boolean value) {
        throw new RuntimeException("Stub!");
    }
}
