package dev.jobctl.helper.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A parsed SPEC (PROTOCOL.md §6). Boxed fields are {@code null} when absent; booleans
 * are {@code false} when absent. Semantic validation is left to the platform's
 * {@code JobInfo.Builder.build()} (android-helper.md §3.1).
 */
public final class JobSpec {
    /** Extras key holding the JOB-SCRIPT; keys with this prefix are reserved. */
    public static final String RESERVED_EXTRAS_PREFIX = "jobctl.";
    public static final String SCRIPT_EXTRA = "jobctl.script";

    /** {@code JobInfo.TriggerContentUri} arguments (API 24). */
    public static final class TriggerUri {
        public final String uri;
        public final boolean descendants;

        TriggerUri(String uri, boolean descendants) {
            this.uri = uri;
            this.descendants = descendants;
        }
    }

    /** {@code NetworkRequest.Builder} arguments (API 21/23). */
    public static final class NetworkRequestSpec {
        public final List<Integer> capabilities;
        public final List<Integer> transports;
        public final List<Integer> removeCapabilities;

        NetworkRequestSpec(List<Integer> capabilities, List<Integer> transports, List<Integer> removeCapabilities) {
            this.capabilities = capabilities;
            this.transports = transports;
            this.removeCapabilities = removeCapabilities;
        }
    }

    public final Map<String, Object> raw;
    public final int jobId;
    public final String namespace;
    /** {@code JobInfo.NETWORK_TYPE_*} value (android-helper.md §2.1). */
    public final Integer networkType;
    public final NetworkRequestSpec networkRequest;
    public final Long estimatedDownloadBytes;
    public final Long estimatedUploadBytes;
    public final Long minChunkBytes;
    public final boolean requiresCharging;
    public final boolean requiresDeviceIdle;
    public final boolean requiresBatteryNotLow;
    public final boolean requiresStorageNotLow;
    public final Long minLatencyMs;
    public final Long overrideDeadlineMs;
    public final Long periodicIntervalMs;
    public final Long periodicFlexMs;
    public final Long backoffInitialMs;
    /** {@code JobInfo.BACKOFF_POLICY_*} value. */
    public final Integer backoffPolicy;
    public final boolean persisted;
    public final boolean importantWhileForeground;
    public final boolean prefetch;
    public final boolean expedited;
    public final Integer priority;
    public final boolean userInitiated;
    public final List<TriggerUri> triggerUris;
    public final Long triggerUpdateDelayMs;
    public final Long triggerMaxDelayMs;
    public final Map<String, Object> extras;
    public final Map<String, Object> transientExtras;
    public final List<String> debugTags;
    public final String traceTag;
    public final Script script;

    private final List<ApiRequirement> requirements;

    private static final class ApiRequirement {
        final String option;
        final int minApi;

        ApiRequirement(String option, int minApi) {
            this.option = option;
            this.minApi = minApi;
        }
    }

    private JobSpec(Fields f) throws CommandError {
        f.allowOnly("job_id", "namespace", "network_type", "network_request", "estimated_bytes",
                "min_chunk_bytes", "requires_charging", "requires_device_idle", "requires_battery_not_low",
                "requires_storage_not_low", "min_latency_ms", "override_deadline_ms", "periodic", "backoff",
                "persisted", "important_while_foreground", "prefetch", "expedited", "priority",
                "user_initiated", "trigger_content_uris", "trigger_content_update_delay_ms",
                "trigger_content_max_delay_ms", "extras", "transient_extras", "debug_tags", "trace_tag",
                "script");
        List<ApiRequirement> needs = new ArrayList<ApiRequirement>();
        raw = f.raw();
        jobId = f.reqInt("job_id");
        namespace = f.optString("namespace");
        need(needs, f, "namespace", 34, namespace != null);
        networkType = parseNetworkType(f, needs);
        networkRequest = parseNetworkRequest(f.optObject("network_request"));
        need(needs, f, "network_request", 28, networkRequest != null);
        Fields bytes = f.optObject("estimated_bytes");
        if (bytes != null) {
            bytes.allowOnly("down", "up");
            estimatedDownloadBytes = bytes.reqLong("down");
            estimatedUploadBytes = bytes.reqLong("up");
        } else {
            estimatedDownloadBytes = null;
            estimatedUploadBytes = null;
        }
        need(needs, f, "estimated_bytes", 28, bytes != null);
        minChunkBytes = f.optLong("min_chunk_bytes");
        need(needs, f, "min_chunk_bytes", 33, minChunkBytes != null);
        requiresCharging = f.boolOr("requires_charging", false);
        requiresDeviceIdle = f.boolOr("requires_device_idle", false);
        requiresBatteryNotLow = f.boolOr("requires_battery_not_low", false);
        requiresStorageNotLow = f.boolOr("requires_storage_not_low", false);
        minLatencyMs = f.optLong("min_latency_ms");
        overrideDeadlineMs = f.optLong("override_deadline_ms");
        Fields periodic = f.optObject("periodic");
        if (periodic != null) {
            periodic.allowOnly("interval_ms", "flex_ms");
            periodicIntervalMs = periodic.reqLong("interval_ms");
            periodicFlexMs = periodic.optLong("flex_ms");
        } else {
            periodicIntervalMs = null;
            periodicFlexMs = null;
        }
        Fields backoff = f.optObject("backoff");
        if (backoff != null) {
            backoff.allowOnly("initial_ms", "policy");
            backoffInitialMs = backoff.reqLong("initial_ms");
            backoffPolicy = parseBackoffPolicy(backoff);
        } else {
            backoffInitialMs = null;
            backoffPolicy = null;
        }
        persisted = f.boolOr("persisted", false);
        importantWhileForeground = f.boolOr("important_while_foreground", false);
        need(needs, f, "important_while_foreground", 28, importantWhileForeground);
        prefetch = f.boolOr("prefetch", false);
        need(needs, f, "prefetch", 28, prefetch);
        expedited = f.boolOr("expedited", false);
        need(needs, f, "expedited", 31, expedited);
        priority = parsePriority(f);
        need(needs, f, "priority", 33, priority != null);
        userInitiated = f.boolOr("user_initiated", false);
        need(needs, f, "user_initiated", 34, userInitiated);
        triggerUris = parseTriggerUris(f);
        triggerUpdateDelayMs = f.optLong("trigger_content_update_delay_ms");
        triggerMaxDelayMs = f.optLong("trigger_content_max_delay_ms");
        extras = parseExtras(f, "extras", true);
        transientExtras = parseExtras(f, "transient_extras", false);
        debugTags = f.optStringList("debug_tags");
        need(needs, f, "debug_tags", 35, debugTags != null);
        traceTag = f.optString("trace_tag");
        need(needs, f, "trace_tag", 35, traceTag != null);
        Fields script = f.optObject("script");
        this.script = script == null ? Script.defaultJobScript() : Script.parseJob(script);
        requirements = Collections.unmodifiableList(needs);
    }

    public static JobSpec parse(Fields f) throws CommandError {
        return new JobSpec(f);
    }

    private static void need(List<ApiRequirement> needs, Fields f, String key, int minApi, boolean used) {
        if (used) {
            needs.add(new ApiRequirement(f.pathOf(key), minApi));
        }
    }

    /** Fails with {@code unsupported_option} for the first field the device level lacks (§6.2). */
    public void checkApiLevel(int apiLevel) throws CommandError {
        for (ApiRequirement need : requirements) {
            if (apiLevel < need.minApi) {
                throw UnsupportedOption.of(need.option, need.minApi, apiLevel);
            }
        }
    }

    private static Integer parseNetworkType(Fields f, List<ApiRequirement> needs) throws CommandError {
        String name = f.optString("network_type");
        if (name == null) {
            return null;
        }
        if (name.equals("cellular")) {
            need(needs, f, "network_type", 28, true);
            return 4;
        }
        String[] names = {"none", "any", "unmetered", "not_roaming", "metered"};
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        throw CommandError.badRequest("field " + f.pathOf("network_type") + ": unknown network type: " + name);
    }

    private static NetworkRequestSpec parseNetworkRequest(Fields f) throws CommandError {
        if (f == null) {
            return null;
        }
        f.allowOnly("capabilities", "transports", "remove_capabilities");
        return new NetworkRequestSpec(orEmpty(f.optIntList("capabilities")), orEmpty(f.optIntList("transports")),
                orEmpty(f.optIntList("remove_capabilities")));
    }

    private static List<Integer> orEmpty(List<Integer> list) {
        return list == null ? Collections.<Integer>emptyList() : list;
    }

    private static Integer parseBackoffPolicy(Fields f) throws CommandError {
        String policy = f.optString("policy");
        if (policy == null || policy.equals("exponential")) {
            return 1;
        }
        if (policy.equals("linear")) {
            return 0;
        }
        throw CommandError.badRequest("field " + f.pathOf("policy") + ": unknown backoff policy: " + policy);
    }

    private static Integer parsePriority(Fields f) throws CommandError {
        if (!f.has("priority")) {
            return null;
        }
        Object value = f.raw().get("priority");
        if (value instanceof Long) {
            return f.reqInt("priority");
        }
        String[] names = {"min", "low", "default", "high", "max"};
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(value)) {
                return (i + 1) * 100;
            }
        }
        throw CommandError.badRequest("field " + f.pathOf("priority") + ": expected min, low, default, high, max or integer");
    }

    private static List<TriggerUri> parseTriggerUris(Fields f) throws CommandError {
        List<Object> raw = f.optList("trigger_content_uris");
        if (raw == null) {
            return Collections.emptyList();
        }
        List<TriggerUri> uris = new ArrayList<TriggerUri>();
        for (int i = 0; i < raw.size(); i++) {
            Fields uri = Fields.of(raw.get(i), f.pathOf("trigger_content_uris") + "[" + i + "]");
            uri.allowOnly("uri", "descendants");
            uris.add(new TriggerUri(uri.reqString("uri"), uri.boolOr("descendants", false)));
        }
        return uris;
    }

    private static Map<String, Object> parseExtras(Fields f, String key, boolean reserveJobctl) throws CommandError {
        Fields extras = f.optObject(key);
        if (extras == null) {
            return Collections.emptyMap();
        }
        for (Map.Entry<String, Object> entry : extras.raw().entrySet()) {
            String path = extras.pathOf(entry.getKey());
            if (reserveJobctl && entry.getKey().startsWith(RESERVED_EXTRAS_PREFIX)) {
                throw CommandError.badRequest("field " + path + ": reserved key prefix " + RESERVED_EXTRAS_PREFIX);
            }
            Object value = entry.getValue();
            if (!(value instanceof String || value instanceof Long || value instanceof Boolean
                    || value instanceof Double)) {
                throw CommandError.badRequest("field " + path + ": expected string, integer, boolean or number");
            }
        }
        return Collections.unmodifiableMap(extras.raw());
    }
}
