package android.app;

import android.content.ContextWrapper;
import android.content.Intent;
import android.os.Bundle;

/** Compile-only stub (never packaged). API 1 (real superclass: ContextThemeWrapper). */
public class Activity extends ContextWrapper {
    public Activity() {
        super(null);
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    protected void onCreate(Bundle savedInstanceState) {
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    protected void onResume() {
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    public final void runOnUiThread(Runnable action) {
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    public Intent getIntent() {
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    public void finish() {
        throw new RuntimeException("Stub!");
    }

    /** API 34: the launcher's uid, or Process.INVALID_UID (-1) unless it shared its identity. */
    public int getLaunchedFromUid() {
        throw new RuntimeException("Stub!");
    }
}
