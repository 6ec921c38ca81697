package dev.jobctl.helper;

import android.app.job.JobInfo;
import android.content.ComponentName;
import android.content.Context;
import android.net.NetworkRequest;
import android.net.Uri;
import android.os.BaseBundle;
import android.os.Bundle;
import android.os.PersistableBundle;

import dev.jobctl.helper.core.JobSpec;

import java.util.Map;

/**
 * Turns a {@link JobSpec} into a {@code JobInfo} through the real builder, so the
 * platform's own validation applies (android-helper.md §3.1). API levels were checked by
 * {@link JobSpec#checkApiLevel}: every call below is only reached on a level that has it.
 */
final class JobInfoFactory {
    private JobInfoFactory() {
    }

    @SuppressWarnings("deprecation")
    static JobInfo build(Context context, JobSpec spec) {
        JobInfo.Builder b = new JobInfo.Builder(spec.jobId, new ComponentName(context, HelperJobService.class));
        if (spec.networkType != null) {
            b.setRequiredNetworkType(spec.networkType);
        }
        if (spec.networkRequest != null) {
            b.setRequiredNetwork(networkRequest(spec.networkRequest));
        }
        if (spec.estimatedDownloadBytes != null) {
            b.setEstimatedNetworkBytes(spec.estimatedDownloadBytes, spec.estimatedUploadBytes);
        }
        if (spec.minChunkBytes != null) {
            b.setMinimumNetworkChunkBytes(spec.minChunkBytes);
        }
        if (spec.requiresCharging) {
            b.setRequiresCharging(true);
        }
        if (spec.requiresDeviceIdle) {
            b.setRequiresDeviceIdle(true);
        }
        if (spec.requiresBatteryNotLow) {
            b.setRequiresBatteryNotLow(true);
        }
        if (spec.requiresStorageNotLow) {
            b.setRequiresStorageNotLow(true);
        }
        if (spec.minLatencyMs != null) {
            b.setMinimumLatency(spec.minLatencyMs);
        }
        if (spec.overrideDeadlineMs != null) {
            b.setOverrideDeadline(spec.overrideDeadlineMs);
        }
        if (spec.periodicIntervalMs != null) {
            if (spec.periodicFlexMs != null) {
                b.setPeriodic(spec.periodicIntervalMs, spec.periodicFlexMs);
            } else {
                b.setPeriodic(spec.periodicIntervalMs);
            }
        }
        if (spec.backoffInitialMs != null) {
            b.setBackoffCriteria(spec.backoffInitialMs, spec.backoffPolicy);
        }
        if (spec.persisted) {
            b.setPersisted(true);
        }
        if (spec.importantWhileForeground) {
            b.setImportantWhileForeground(true);
        }
        if (spec.prefetch) {
            b.setPrefetch(true);
        }
        if (spec.expedited) {
            b.setExpedited(true);
        }
        if (spec.priority != null) {
            b.setPriority(spec.priority);
        }
        if (spec.userInitiated) {
            b.setUserInitiated(true);
        }
        for (JobSpec.TriggerUri trigger : spec.triggerUris) {
            b.addTriggerContentUri(new JobInfo.TriggerContentUri(Uri.parse(trigger.uri),
                    trigger.descendants ? JobInfo.TriggerContentUri.FLAG_NOTIFY_FOR_DESCENDANTS : 0));
        }
        if (spec.triggerUpdateDelayMs != null) {
            b.setTriggerContentUpdateDelay(spec.triggerUpdateDelayMs);
        }
        if (spec.triggerMaxDelayMs != null) {
            b.setTriggerContentMaxDelay(spec.triggerMaxDelayMs);
        }
        PersistableBundle extras = new PersistableBundle();
        putAll(extras, spec.extras);
        extras.putString(JobSpec.SCRIPT_EXTRA, spec.script.toJobJson());
        b.setExtras(extras);
        if (!spec.transientExtras.isEmpty()) {
            Bundle transientExtras = new Bundle();
            putAll(transientExtras, spec.transientExtras);
            b.setTransientExtras(transientExtras);
        }
        if (spec.debugTags != null) {
            for (String tag : spec.debugTags) {
                b.addDebugTag(tag);
            }
        }
        if (spec.traceTag != null) {
            b.setTraceTag(spec.traceTag);
        }
        return b.build();
    }

    private static NetworkRequest networkRequest(JobSpec.NetworkRequestSpec spec) {
        NetworkRequest.Builder b = new NetworkRequest.Builder();
        for (int capability : spec.capabilities) {
            b.addCapability(capability);
        }
        for (int transport : spec.transports) {
            b.addTransportType(transport);
        }
        for (int capability : spec.removeCapabilities) {
            b.removeCapability(capability);
        }
        return b.build();
    }

    /** Values were type-checked by JobSpec: String, Long, Boolean or Double. */
    private static void putAll(BaseBundle bundle, Map<String, Object> values) {
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof String) {
                bundle.putString(entry.getKey(), (String) value);
            } else if (value instanceof Long) {
                bundle.putLong(entry.getKey(), (Long) value);
            } else if (value instanceof Boolean) {
                bundle.putBoolean(entry.getKey(), (Boolean) value);
            } else {
                bundle.putDouble(entry.getKey(), (Double) value);
            }
        }
    }
}
