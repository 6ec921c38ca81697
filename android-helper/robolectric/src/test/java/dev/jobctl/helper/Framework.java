package dev.jobctl.helper;

import static org.robolectric.Shadows.shadowOf;

import android.app.job.JobParameters;
import android.content.ClipData;
import android.net.Network;
import android.net.Uri;
import android.os.Bundle;
import android.os.IBinder;
import android.os.Looper;
import android.os.PersistableBundle;

import dev.jobctl.helper.core.Fields;
import dev.jobctl.helper.core.JobSpec;
import dev.jobctl.helper.core.JsonReader;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.function.BooleanSupplier;

/** Test plumbing over hidden framework API whose shape changes with the level. */
final class Framework {
    private Framework() {
    }

    /**
     * The system's {@code new JobParameters(...)} (JobServiceContext.executeRunnableJob): the
     * public-but-hidden constructor grew a Network (28), isExpedited (31), a namespace and
     * isUserInitiated (34).
     */
    static JobParameters jobParameters(IBinder callback, String namespace, int jobId, PersistableBundle extras,
            boolean expedited, boolean userInitiated, Uri[] triggeredUris, String[] authorities) throws Exception {
        for (Constructor<?> c : JobParameters.class.getConstructors()) {
            Class<?>[] types = c.getParameterTypes();
            if (types.length == 0 || types[0] != IBinder.class) {
                continue;
            }
            Bundle transientExtras = new Bundle();
            ClipData clip = null;
            Network network = null;
            Object[] args;
            switch (types.length) {
                case 9:
                    args = new Object[] {callback, jobId, extras, transientExtras, clip, 0, false, triggeredUris,
                        authorities};
                    break;
                case 10:
                    args = new Object[] {callback, jobId, extras, transientExtras, clip, 0, false, triggeredUris,
                        authorities, network};
                    break;
                case 11:
                    args = new Object[] {callback, jobId, extras, transientExtras, clip, 0, false, expedited,
                        triggeredUris, authorities, network};
                    break;
                case 13:
                    args = new Object[] {callback, namespace, jobId, extras, transientExtras, clip, 0, false,
                        expedited, userInitiated, triggeredUris, authorities, network};
                    break;
                default:
                    throw new AssertionError("unknown JobParameters constructor " + c);
            }
            return (JobParameters) c.newInstance(args);
        }
        throw new AssertionError("no JobParameters constructor");
    }

    /** The system's {@code params.setStopReason(...)}: (int) 26, (int, String) 28, (int, int, String) 31. */
    static void setStopReason(JobParameters params, int reason) throws Exception {
        for (Method m : JobParameters.class.getDeclaredMethods()) {
            if (!m.getName().equals("setStopReason")) {
                continue;
            }
            m.setAccessible(true);
            Class<?>[] types = m.getParameterTypes();
            if (types.length == 1) {
                m.invoke(params, reason);
            } else if (types.length == 2) {
                m.invoke(params, reason, "test stop");
            } else {
                m.invoke(params, reason, 0, "test stop");
            }
            return;
        }
        throw new AssertionError("no setStopReason");
    }

    static JobSpec spec(String json) throws Exception {
        return JobSpec.parse(Fields.of(JsonReader.parse(json), "spec"));
    }

    /** A fresh process-wide runtime for each test (Robolectric gives each test a new app and files dir). */
    static void resetRuntime() throws Exception {
        Field instance = HelperRuntime.class.getDeclaredField("instance");
        instance.setAccessible(true);
        HelperRuntime old = (HelperRuntime) instance.get(null);
        if (old != null) {
            old.commandThread().shutdownNow();
        }
        instance.set(null, null);
    }

    /** Runs the main looper (paused mode) until {@code done} or 10 s. */
    static void idleUntil(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            shadowOf(Looper.getMainLooper()).idle();
            if (done.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
