package android;

/** Compile-only stub (never packaged): framework resource ids used by the helper. */
public final class R {
    public static final class drawable {
        /** API 1. */
        public static final int stat_sys_download = 17301633;
    }
}
