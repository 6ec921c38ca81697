package android.app;

import android.content.ContextWrapper;
import android.content.Intent;
import android.os.IBinder;

/** Compile-only stub (never packaged). API 1. */
public abstract class Service extends ContextWrapper {
    public Service() {
        super(null);
        throw new RuntimeException("Stub!");
    }

    /** API 1. */
    public abstract IBinder onBind(Intent intent);
}
