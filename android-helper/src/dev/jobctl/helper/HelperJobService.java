package dev.jobctl.helper;

import android.app.job.JobParameters;
import android.app.job.JobService;
import android.app.job.JobWorkItem;
import android.net.Uri;
import android.os.Build;
import android.os.SystemClock;
import android.util.Log;

import dev.jobctl.helper.core.Events;
import dev.jobctl.helper.core.JobRun;
import dev.jobctl.helper.core.JobSpec;
import dev.jobctl.helper.core.JobStartFacts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The helper's JobService. Callbacks run on the main thread and only record and signal
 * (from API 34 a slow return is an ANR, android-helper.md §2.8); scripts run on a worker
 * thread per job. A script's {@code block_start_ms} / {@code block_stop_ms} (PROTOCOL.md §7.1)
 * deliberately keep the main thread busy in {@code onStartJob} / {@code onStopJob} that long.
 */
public final class HelperJobService extends JobService {
    @Override
    public boolean onStartJob(JobParameters params) {
        final HelperRuntime runtime = HelperRuntime.get(this);
        final String key = keyOf(params);
        final JobRun run = new JobRun(runtime.journal(), factsOf(params), new AndroidJobSession(this, params),
                new ThreadPacer());
        runtime.register(key, run);
        try {
            run.start();
        } catch (IOException e) {
            Log.w(HelperRuntime.LOG_TAG, "journal write failed", e);
        }
        blockMainThread(run.blockMs(true));
        new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    run.execute();
                } catch (IOException e) {
                    Log.w(HelperRuntime.LOG_TAG, "journal write failed", e);
                } finally {
                    runtime.unregister(key, run);
                }
            }
        }, "jobctl-job-" + key).start();
        return true;
    }

    @Override
    public boolean onStopJob(JobParameters params) {
        HelperRuntime runtime = HelperRuntime.get(this);
        Integer reason = Build.VERSION.SDK_INT >= 31 ? Integer.valueOf(params.getStopReason()) : null;
        JobRun run = runtime.running(keyOf(params));
        try {
            if (run != null) {
                boolean reschedule = run.stop(reason);
                blockMainThread(run.blockMs(false));
                return reschedule;
            }
            runtime.journal().append("stopped", Events.fields("job_id", params.getJobId(),
                    "namespace", namespaceOf(params), "stop_reason", reason, "reschedule", false));
        } catch (IOException e) {
            Log.w(HelperRuntime.LOG_TAG, "journal write failed", e);
        }
        return false;
    }

    /** API 34. */
    @Override
    public void onNetworkChanged(JobParameters params) {
        JobRun run = HelperRuntime.get(this).running(keyOf(params));
        if (run == null) {
            return;
        }
        try {
            run.networkChanged(networkOf(params));
        } catch (IOException e) {
            Log.w(HelperRuntime.LOG_TAG, "journal write failed", e);
        }
    }

    /*
     * Hidden JobService callbacks (android-helper.md §2.8): not in android.jar, so no
     * @Override. For targetSdk >= 34 the base implementation throws, so they must exist.
     * They return what the script last reported through updateTransferredNetworkBytes.
     */

    public long getTransferredDownloadBytes(JobParameters params) {
        return transferred(params, null, true);
    }

    public long getTransferredUploadBytes(JobParameters params) {
        return transferred(params, null, false);
    }

    public long getTransferredDownloadBytes(JobParameters params, JobWorkItem item) {
        return transferred(params, WorkItems.read(item).tag, true);
    }

    public long getTransferredUploadBytes(JobParameters params, JobWorkItem item) {
        return transferred(params, WorkItems.read(item).tag, false);
    }

    private long transferred(JobParameters params, String tag, boolean download) {
        JobRun run = HelperRuntime.get(this).running(keyOf(params));
        return run == null ? 0 : run.transferredBytes(tag, download);
    }

    /** Sleeps on the calling (main) thread; interrupts do not shorten it. */
    private static void blockMainThread(long ms) {
        if (ms > 0) {
            SystemClock.sleep(ms);
        }
    }

    private static String namespaceOf(JobParameters params) {
        return Build.VERSION.SDK_INT >= 34 ? params.getJobNamespace() : null;
    }

    private static String keyOf(JobParameters params) {
        String namespace = namespaceOf(params);
        return (namespace == null ? "" : namespace) + "/" + params.getJobId();
    }

    private static String networkOf(JobParameters params) {
        if (Build.VERSION.SDK_INT < 28 || params.getNetwork() == null) {
            return null;
        }
        return params.getNetwork().toString();
    }

    private static JobStartFacts factsOf(JobParameters params) {
        int level = Build.VERSION.SDK_INT;
        String script = params.getExtras() == null ? null : params.getExtras().getString(JobSpec.SCRIPT_EXTRA);
        return new JobStartFacts(params.getJobId(), namespaceOf(params),
                level >= 31 ? Boolean.valueOf(params.isExpeditedJob()) : null,
                level >= 34 ? Boolean.valueOf(params.isUserInitiatedJob()) : null,
                networkOf(params), uriStrings(params.getTriggeredContentUris()),
                params.getTriggeredContentAuthorities() == null ? null
                        : Arrays.asList(params.getTriggeredContentAuthorities()),
                params.isOverrideDeadlineExpired(), script);
    }

    private static List<String> uriStrings(Uri[] uris) {
        if (uris == null) {
            return null;
        }
        List<String> strings = new ArrayList<String>();
        for (Uri uri : uris) {
            strings.add(uri.toString());
        }
        return strings;
    }
}
