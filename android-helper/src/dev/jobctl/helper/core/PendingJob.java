package dev.jobctl.helper.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** One entry of the {@code list} result (PROTOCOL.md §3.5); {@code null} = getter absent on this level. */
public final class PendingJob {
    public int jobId;
    public String namespace;
    public Integer pendingReason;
    public boolean periodic;
    public long intervalMs;
    public long flexMs;
    public long minLatencyMs;
    public long overrideDeadlineMs;
    public boolean persisted;
    public Boolean expedited;
    public Boolean userInitiated;
    public Boolean prefetch;
    public Integer priority;
    public boolean requiresNetwork;
    public Long estimatedDownloadBytes;
    public Long estimatedUploadBytes;

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<String, Object>();
        json.put("job_id", (long) jobId);
        json.put("namespace", namespace);
        json.put("pending_reason", pendingReason == null ? null : Long.valueOf(pendingReason));
        json.put("periodic", periodic);
        json.put("interval_ms", intervalMs);
        json.put("flex_ms", flexMs);
        json.put("min_latency_ms", minLatencyMs);
        json.put("override_deadline_ms", overrideDeadlineMs);
        json.put("persisted", persisted);
        json.put("expedited", expedited);
        json.put("user_initiated", userInitiated);
        json.put("prefetch", prefetch);
        json.put("priority", priority == null ? null : Long.valueOf(priority));
        json.put("requires_network", requiresNetwork);
        json.put("estimated_download_bytes", estimatedDownloadBytes);
        json.put("estimated_upload_bytes", estimatedUploadBytes);
        return json;
    }
}
