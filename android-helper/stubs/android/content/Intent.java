package android.content;

/** Compile-only stub (never packaged). */
public class Intent {
    /** API 1. */
    public Intent() {
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    public String getAction() {
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    public String getStringExtra(String name) {
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    public Intent putExtra(String name, String value) {
        throw new RuntimeException("Stub!");
    }
}
