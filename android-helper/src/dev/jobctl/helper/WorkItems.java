package dev.jobctl.helper;

import android.app.job.JobWorkItem;
import android.content.Intent;
import android.os.Build;
import android.os.PersistableBundle;

import dev.jobctl.helper.core.DequeuedWork;
import dev.jobctl.helper.core.WorkItemSpec;

/**
 * {@code JobWorkItem} construction and reading. From API 34 items use
 * {@code JobWorkItem.Builder} with PersistableBundle extras, because persisted jobs may not
 * carry work items with Intents (android-helper.md §2.4, §3.2); below 34 the data rides in
 * intent extras.
 */
final class WorkItems {
    private WorkItems() {
    }

    static JobWorkItem build(WorkItemSpec spec) {
        if (Build.VERSION.SDK_INT >= 34) {
            PersistableBundle extras = new PersistableBundle();
            extras.putString(WorkItemSpec.TAG_EXTRA, spec.tag);
            extras.putString(WorkItemSpec.SCRIPT_EXTRA, spec.script.toItemJson());
            JobWorkItem.Builder b = new JobWorkItem.Builder().setExtras(extras);
            if (spec.estimatedDownloadBytes != null) {
                b.setEstimatedNetworkBytes(spec.estimatedDownloadBytes, spec.estimatedUploadBytes);
            }
            if (spec.minChunkBytes != null) {
                b.setMinimumNetworkChunkBytes(spec.minChunkBytes);
            }
            return b.build();
        }
        Intent intent = new Intent();
        intent.putExtra(WorkItemSpec.TAG_EXTRA, spec.tag);
        intent.putExtra(WorkItemSpec.SCRIPT_EXTRA, spec.script.toItemJson());
        if (spec.estimatedDownloadBytes == null) {
            return new JobWorkItem(intent);
        }
        if (spec.minChunkBytes == null) {
            return new JobWorkItem(intent, spec.estimatedDownloadBytes, spec.estimatedUploadBytes);
        }
        return new JobWorkItem(intent, spec.estimatedDownloadBytes, spec.estimatedUploadBytes, spec.minChunkBytes);
    }

    /** Reads the helper's data back; items enqueued before an OS upgrade to 34 still carry an Intent. */
    static DequeuedWork read(JobWorkItem item) {
        String tag = null;
        String script = null;
        if (Build.VERSION.SDK_INT >= 34 && item.getExtras() != null) {
            tag = item.getExtras().getString(WorkItemSpec.TAG_EXTRA);
            script = item.getExtras().getString(WorkItemSpec.SCRIPT_EXTRA);
        }
        if (tag == null && item.getIntent() != null) {
            tag = item.getIntent().getStringExtra(WorkItemSpec.TAG_EXTRA);
            script = item.getIntent().getStringExtra(WorkItemSpec.SCRIPT_EXTRA);
        }
        return new DequeuedWork(tag, item.getDeliveryCount(), script, item);
    }
}
