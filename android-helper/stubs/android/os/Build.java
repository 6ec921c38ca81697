package android.os;

/** Compile-only stub (never packaged). */
public class Build {
    public static class VERSION {
        /** API 4. */
        public static final int SDK_INT = 0;
    }
}
