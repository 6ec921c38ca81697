package dev.jobctl.helper.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes protocol requests (PROTOCOL.md §3) against the scheduler port and the journal.
 * {@link #handle} never throws: every failure becomes a structured error response.
 * Commands are serialised (one at a time).
 */
public final class CommandHandler {
    static final int MAX_ITEMS = 100000;
    static final int DEFAULT_JOURNAL_MAX = 200;
    static final int JOURNAL_MAX_LIMIT = 1000;

    /** A response line plus whether it is a success ({@code am broadcast} result 1 or 2). */
    public static final class Response {
        public final boolean ok;
        public final String json;

        Response(boolean ok, String json) {
            this.ok = ok;
            this.json = json;
        }

        /** The ordered-broadcast result code (PROTOCOL.md §2.4). */
        public int resultCode() {
            return ok ? 1 : 2;
        }
    }

    private final SchedulerPort scheduler;
    private final Journal journal;
    private final Inbox inbox;

    public CommandHandler(SchedulerPort scheduler, Journal journal, Inbox inbox) {
        this.scheduler = scheduler;
        this.journal = journal;
        this.inbox = inbox;
    }

    /** Handles a request given inline ({@code req}) or by inbox name ({@code req_file}). */
    public synchronized Response handle(String inlineRequest, String inboxName) {
        String id = null;
        try {
            if ((inlineRequest == null) == (inboxName == null)) {
                throw CommandError.badRequest("exactly one of req and req_file is required");
            }
            String text = inlineRequest != null ? inlineRequest : inbox.take(inboxName);
            Fields request = parseObject(text);
            id = request.optString("id");
            checkVersion(request);
            return success(id, dispatch(request));
        } catch (CommandError e) {
            return failure(id, e);
        } catch (IOException e) {
            return failure(id, internal(e));
        } catch (RuntimeException e) {
            return failure(id, internal(e));
        }
    }

    /**
     * The command receiver's entry (PROTOCOL.md §2.2): checks the action and, when the
     * platform reports one ({@code getSentFromUid()}, API 34), the sender uid.
     */
    public Response handleBroadcast(String action, int senderUid, int ownUid, String inlineRequest,
            String inboxName) {
        if (!Protocol.COMMAND_ACTION.equals(action)) {
            return failure(null, CommandError.badRequest("unexpected action: " + action));
        }
        if (senderUid != Protocol.UNKNOWN_UID && !Protocol.mayCommand(senderUid, ownUid)) {
            return failure(null, new CommandError(CommandError.FORBIDDEN,
                    "uid " + senderUid + " may not command the helper"));
        }
        return handle(inlineRequest, inboxName);
    }

    /**
     * The schedule activity's entry (PROTOCOL.md §2.5): when the platform reports the launcher
     * ({@code getLaunchedFromUid()}, API 34), the same uid rule as the receiver.
     */
    public Response handleActivity(int launcherUid, int ownUid, String inlineRequest, String inboxName) {
        if (launcherUid != Protocol.UNKNOWN_UID && !Protocol.mayCommand(launcherUid, ownUid)) {
            return failure(null, new CommandError(CommandError.FORBIDDEN,
                    "uid " + launcherUid + " may not command the helper"));
        }
        return handle(inlineRequest, inboxName);
    }

    /** A response for a request that failed outside the handler (e.g. helper storage unusable). */
    public static Response internalFailure(Throwable e) {
        return failure(null, internal(e));
    }

    private static CommandError internal(Throwable e) {
        return new CommandError(CommandError.INTERNAL, e.getMessage(), e.getClass().getName(), null);
    }

    private static Fields parseObject(String text) throws CommandError {
        Object parsed;
        try {
            parsed = JsonReader.parse(text.trim());
        } catch (JsonReader.MalformedJsonException e) {
            throw new CommandError(CommandError.MALFORMED_JSON, e.getMessage());
        }
        if (!(parsed instanceof Map)) {
            throw new CommandError(CommandError.MALFORMED_JSON, "malformed JSON at offset 0: expected object");
        }
        return Fields.of(parsed, "");
    }

    private static void checkVersion(Fields request) throws CommandError {
        Object version = request.raw().get("v");
        if (!(version instanceof Long)) {
            throw CommandError.badRequest(version == null ? "missing field: v" : "field v: expected integer");
        }
        if ((Long) version != Protocol.PROTOCOL_VERSION) {
            Map<String, Object> details = new LinkedHashMap<String, Object>();
            details.put("supported", Arrays.<Object>asList((long) Protocol.PROTOCOL_VERSION));
            details.put("helper_version", Protocol.VERSION_NAME);
            details.put("version_code", (long) Protocol.VERSION_CODE);
            throw new CommandError(CommandError.UNSUPPORTED_VERSION,
                    "unsupported protocol version: " + version, null, details);
        }
    }

    private Object dispatch(Fields request) throws CommandError, IOException {
        String command = request.reqString("cmd");
        if (command.equals("info")) {
            request.allowOnly("v", "id", "cmd");
            return info();
        }
        if (command.equals("schedule")) {
            request.allowOnly("v", "id", "cmd", "spec");
            return schedule(parseSpec(request));
        }
        if (command.equals("enqueue")) {
            request.allowOnly("v", "id", "cmd", "spec", "items");
            return enqueue(parseSpec(request), parseItems(request));
        }
        if (command.equals("cancel")) {
            request.allowOnly("v", "id", "cmd", "job_id", "namespace");
            return cancel(request.reqInt("job_id"), namespaceOf(request));
        }
        if (command.equals("cancel_all")) {
            request.allowOnly("v", "id", "cmd", "namespace", "all_namespaces");
            return cancelAll(namespaceOf(request), allNamespaces(request));
        }
        if (command.equals("list")) {
            request.allowOnly("v", "id", "cmd", "namespace", "all_namespaces");
            return list(namespaceOf(request), allNamespaces(request));
        }
        if (command.equals("pending_reasons")) {
            request.allowOnly("v", "id", "cmd", "job_id", "namespace");
            return pendingReasons(request.reqInt("job_id"), namespaceOf(request));
        }
        if (command.equals("journal")) {
            request.allowOnly("v", "id", "cmd", "from_seq", "max");
            return readJournal(request.reqLong("from_seq"), request.longOr("max", DEFAULT_JOURNAL_MAX));
        }
        if (command.equals("reset")) {
            request.allowOnly("v", "id", "cmd", "clear_journal");
            return reset(request.boolOr("clear_journal", false));
        }
        throw new CommandError(CommandError.UNKNOWN_COMMAND, "unknown command: " + command);
    }

    private JobSpec parseSpec(Fields request) throws CommandError {
        JobSpec spec = JobSpec.parse(request.reqObject("spec"));
        spec.checkApiLevel(scheduler.apiLevel());
        return spec;
    }

    private List<WorkItemSpec> parseItems(Fields request) throws CommandError {
        List<Object> raw = request.reqList("items");
        if (raw.isEmpty() || raw.size() > MAX_ITEMS) {
            throw CommandError.badRequest("field items: expected 1.." + MAX_ITEMS + " items");
        }
        List<WorkItemSpec> items = new ArrayList<WorkItemSpec>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            items.add(WorkItemSpec.parse(Fields.of(raw.get(i), "items[" + i + "]"), scheduler.apiLevel()));
        }
        return items;
    }

    private String namespaceOf(Fields request) throws CommandError {
        String namespace = request.optString("namespace");
        if (namespace != null && scheduler.apiLevel() < 34) {
            throw UnsupportedOption.of("namespace", 34, scheduler.apiLevel());
        }
        return namespace;
    }

    private boolean allNamespaces(Fields request) throws CommandError {
        boolean all = request.boolOr("all_namespaces", false);
        if (all && scheduler.apiLevel() < 34) {
            throw UnsupportedOption.of("all_namespaces", 34, scheduler.apiLevel());
        }
        if (all && request.has("namespace")) {
            throw CommandError.badRequest("namespace and all_namespaces are exclusive");
        }
        return all;
    }

    private Map<String, Object> info() {
        Map<String, Object> result = new LinkedHashMap<String, Object>();
        result.put("package", Protocol.PACKAGE);
        result.put("helper_version", Protocol.VERSION_NAME);
        result.put("version_code", (long) Protocol.VERSION_CODE);
        result.put("protocol_version", (long) Protocol.PROTOCOL_VERSION);
        result.put("protocol_versions", Arrays.<Object>asList((long) Protocol.PROTOCOL_VERSION));
        result.put("api_level", (long) scheduler.apiLevel());
        result.put("journal", Events.fields("first_seq", journal.firstSeq(), "next_seq", journal.nextSeq(),
                "epoch", journal.epoch()));
        return result;
    }

    private Map<String, Object> schedule(JobSpec spec) throws CommandError, IOException {
        SchedulerPort.BuiltJob job = build(spec);
        int result;
        try {
            result = scheduler.schedule(job);
        } catch (RuntimeException e) {
            throw CommandError.fromPlatform(e, null);
        }
        if (result != SchedulerPort.RESULT_SUCCESS) {
            throw scheduleFailed(null);
        }
        journal.append("scheduled", Events.fields("job_id", spec.jobId, "namespace", spec.namespace, "spec", spec.raw));
        return Events.fields("job_id", spec.jobId, "namespace", spec.namespace);
    }

    private SchedulerPort.BuiltJob build(JobSpec spec) throws CommandError {
        try {
            return scheduler.build(spec);
        } catch (RuntimeException e) {
            throw CommandError.fromPlatform(e, null);
        }
    }

    private static CommandError scheduleFailed(Map<String, Object> details) {
        return new CommandError(CommandError.SCHEDULE_FAILED, "JobScheduler returned RESULT_FAILURE", null, details);
    }

    private Map<String, Object> enqueue(JobSpec spec, List<WorkItemSpec> items) throws CommandError, IOException {
        SchedulerPort.BuiltJob job = build(spec);
        int done = 0;
        CommandError failure = null;
        for (WorkItemSpec item : items) {
            int result;
            try {
                result = scheduler.enqueue(job, item);
            } catch (RuntimeException e) {
                failure = CommandError.fromPlatform(e, Events.fields("enqueued", done));
                break;
            }
            if (result != SchedulerPort.RESULT_SUCCESS) {
                failure = scheduleFailed(Events.fields("enqueued", done));
                break;
            }
            done++;
        }
        if (done > 0) {
            journal.append("enqueued", Events.fields("job_id", spec.jobId, "namespace", spec.namespace, "count", done));
        }
        if (failure != null) {
            throw failure;
        }
        return Events.fields("job_id", spec.jobId, "namespace", spec.namespace, "enqueued", done);
    }

    private Map<String, Object> cancel(int jobId, String namespace) throws IOException {
        scheduler.cancel(namespace, jobId);
        journal.append("cancelled", Events.fields("job_id", jobId, "namespace", namespace, "scope", "job"));
        return Events.fields("job_id", jobId, "namespace", namespace);
    }

    private Map<String, Object> cancelAll(String namespace, boolean allNamespaces) throws IOException {
        String scope = allNamespaces ? "all" : "namespace";
        if (allNamespaces) {
            scheduler.cancelInAllNamespaces();
        } else {
            scheduler.cancelAll(namespace);
        }
        journal.append("cancelled", Events.fields("job_id", null, "namespace", namespace, "scope", scope));
        return Events.fields("scope", scope, "namespace", namespace);
    }

    private Map<String, Object> list(String namespace, boolean allNamespaces) {
        List<PendingJob> jobs = new ArrayList<PendingJob>(scheduler.pendingJobs(namespace, allNamespaces));
        Collections.sort(jobs, new Comparator<PendingJob>() {
            @Override
            public int compare(PendingJob a, PendingJob b) {
                int byNamespace = compareNamespaces(a.namespace, b.namespace);
                return byNamespace != 0 ? byNamespace : Integer.compare(a.jobId, b.jobId);
            }
        });
        List<Object> json = new ArrayList<Object>();
        for (PendingJob job : jobs) {
            json.add(job.toJson());
        }
        return Events.fields("jobs", json);
    }

    /**
     * PROTOCOL.md §3.5 {@code pending_reasons}: each getter on the level that has it, else null.
     * A getter that throws (on API 36+ {@code getPendingJobReasonsHistory} and
     * {@code getPendingJobReasonStats} throw IllegalArgumentException for an unknown job) fails
     * the command with {@code platform_exception} (§4).
     */
    private Map<String, Object> pendingReasons(int jobId, String namespace) throws CommandError {
        try {
            return pendingReasonsAnswer(jobId, namespace);
        } catch (RuntimeException e) {
            throw CommandError.fromPlatform(e, null);
        }
    }

    private Map<String, Object> pendingReasonsAnswer(int jobId, String namespace) {
        int level = scheduler.apiLevel();
        Map<String, Object> result = Events.fields("job_id", jobId, "namespace", namespace);
        result.put("reason", level >= 34 ? Long.valueOf(scheduler.pendingReason(namespace, jobId)) : null);
        List<Object> reasons = null;
        List<Object> history = null;
        if (level >= 36) {
            reasons = longs(scheduler.pendingReasons(namespace, jobId), 0);
            history = new ArrayList<Object>();
            for (long[] entry : scheduler.pendingReasonsHistory(namespace, jobId)) {
                history.add(Events.fields("timestamp_ms", entry[0], "reasons", longs(entry, 1)));
            }
        }
        result.put("reasons", reasons);
        result.put("history", history);
        List<Object> stats = null;
        if (level >= 37) {
            stats = new ArrayList<Object>();
            Map<Integer, Long> values = scheduler.pendingReasonStats(namespace, jobId);
            List<Integer> keys = new ArrayList<Integer>(values.keySet());
            Collections.sort(keys);
            for (Integer reason : keys) {
                stats.add(Events.fields("reason", Long.valueOf(reason), "ms", values.get(reason)));
            }
        }
        result.put("stats", stats);
        return result;
    }

    private static List<Object> longs(int[] values, int from) {
        List<Object> out = new ArrayList<Object>();
        for (int i = from; i < values.length; i++) {
            out.add(Long.valueOf(values[i]));
        }
        return out;
    }

    private static List<Object> longs(long[] values, int from) {
        List<Object> out = new ArrayList<Object>();
        for (int i = from; i < values.length; i++) {
            out.add(Long.valueOf(values[i]));
        }
        return out;
    }

    private static int compareNamespaces(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.compareTo(b);
    }

    private Map<String, Object> readJournal(long fromSeq, long max) throws CommandError, IOException {
        if (max < 1 || max > JOURNAL_MAX_LIMIT) {
            throw CommandError.badRequest("field max: expected 1.." + JOURNAL_MAX_LIMIT);
        }
        long first = journal.firstSeq();
        long next = journal.nextSeq();
        if (fromSeq < 1 || fromSeq > next) {
            throw new CommandError(CommandError.JOURNAL_RANGE, "from_seq " + fromSeq + " outside 1.." + next, null,
                    Events.fields("from_seq", fromSeq, "first_seq", first, "next_seq", next));
        }
        Journal.Slice slice = journal.read(fromSeq, (int) max);
        return Events.fields("events", new ArrayList<Object>(slice.events), "next_seq", slice.nextSeq,
                "first_seq", slice.firstSeq, "dropped_before_seq", fromSeq < slice.firstSeq ? slice.firstSeq : null,
                "epoch", journal.epoch());
    }

    private Map<String, Object> reset(boolean clearJournal) throws IOException {
        if (scheduler.apiLevel() >= 34) {
            scheduler.cancelInAllNamespaces();
        } else {
            scheduler.cancelAll(null);
        }
        inbox.clear();
        if (clearJournal) {
            journal.clear();
        }
        journal.append("reset", Events.fields());
        return Events.fields("cleared_journal", clearJournal);
    }

    private static Response success(String id, Object result) {
        Map<String, Object> response = envelope(id);
        response.put("ok", Boolean.TRUE);
        response.put("result", result);
        return new Response(true, JsonWriter.write(response));
    }

    private static Response failure(String id, CommandError error) {
        Map<String, Object> response = envelope(id);
        response.put("ok", Boolean.FALSE);
        response.put("error", error.toJson());
        return new Response(false, JsonWriter.write(response));
    }

    private static Map<String, Object> envelope(String id) {
        Map<String, Object> response = new LinkedHashMap<String, Object>();
        response.put("v", (long) Protocol.PROTOCOL_VERSION);
        response.put("id", id);
        return response;
    }
}
