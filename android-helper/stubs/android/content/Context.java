package android.content;

import java.io.File;

/** Compile-only stub (never packaged). */
public abstract class Context {
    /** API 21. */
    public static final String JOB_SCHEDULER_SERVICE = "jobscheduler";
    /** API 1. */
    public static final String NOTIFICATION_SERVICE = "notification";

    /** API 1. */
    public abstract Context getApplicationContext();

    /** API 1. */
    public abstract File getFilesDir();

    /** API 1. */
    public abstract Object getSystemService(String name);
}
