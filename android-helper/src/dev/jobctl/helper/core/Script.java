package dev.jobctl.helper.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JOB-SCRIPT or ITEM-SCRIPT (PROTOCOL.md §7). Travels inside the job's and the work
 * item's extras as canonical JSON, so it survives a reboot with persisted jobs.
 */
public final class Script {
    public final List<Step> steps;
    /** JOB-SCRIPT only: what {@code onStopJob} returns. */
    public final boolean onStopReschedule;
    /** ITEM-SCRIPT only: whether to {@code completeWork} the item. */
    public final boolean complete;
    /** JOB-SCRIPT only: how long {@code onStartJob} blocks the main thread before it returns. */
    public final long blockStartMs;
    /** JOB-SCRIPT only: how long {@code onStopJob} blocks the main thread before it returns. */
    public final long blockStopMs;

    private Script(List<Step> steps, boolean onStopReschedule, boolean complete) {
        this(steps, onStopReschedule, complete, 0, 0);
    }

    private Script(List<Step> steps, boolean onStopReschedule, boolean complete, long blockStartMs,
            long blockStopMs) {
        this.steps = Collections.unmodifiableList(steps);
        this.onStopReschedule = onStopReschedule;
        this.complete = complete;
        this.blockStartMs = blockStartMs;
        this.blockStopMs = blockStopMs;
    }

    public static Script defaultJobScript() {
        List<Step> steps = new ArrayList<Step>();
        steps.add(Step.work());
        steps.add(Step.finish(false));
        return new Script(steps, false, true);
    }

    public static Script defaultItemScript() {
        return new Script(new ArrayList<Step>(), false, true);
    }

    public static Script parseJob(Fields f) throws CommandError {
        f.allowOnly("steps", "on_stop_reschedule", "block_start_ms", "block_stop_ms");
        List<Step> steps = parseSteps(f, false);
        boolean onStopReschedule = f.boolOr("on_stop_reschedule", false);
        long blockStart = f.has("block_start_ms") ? f.reqNonNegative("block_start_ms") : 0;
        long blockStop = f.has("block_stop_ms") ? f.reqNonNegative("block_stop_ms") : 0;
        return new Script(steps, onStopReschedule, true, blockStart, blockStop);
    }

    public static Script parseItem(Fields f) throws CommandError {
        f.allowOnly("steps", "complete");
        return new Script(parseSteps(f, true), false, f.boolOr("complete", true));
    }

    /** Parses a script stored in extras; a bad one is reported by the caller as an error event. */
    public static Script fromStored(String json, boolean item) throws CommandError {
        if (json == null) {
            return item ? defaultItemScript() : defaultJobScript();
        }
        try {
            Fields f = Fields.of(JsonReader.parse(json), "script");
            return item ? parseItem(f) : parseJob(f);
        } catch (JsonReader.MalformedJsonException e) {
            throw CommandError.badRequest("stored script: " + e.getMessage());
        }
    }

    private static List<Step> parseSteps(Fields f, boolean inItem) throws CommandError {
        List<Step> steps = new ArrayList<Step>();
        List<Object> raw = f.optList("steps");
        if (raw == null) {
            return steps;
        }
        for (int i = 0; i < raw.size(); i++) {
            steps.add(Step.parse(Fields.of(raw.get(i), f.pathOf("steps") + "[" + i + "]"), inItem));
        }
        return steps;
    }

    public String toJobJson() {
        Map<String, Object> json = new LinkedHashMap<String, Object>();
        json.put("steps", stepsJson());
        json.put("on_stop_reschedule", onStopReschedule);
        if (blockStartMs != 0) {
            json.put("block_start_ms", blockStartMs);
        }
        if (blockStopMs != 0) {
            json.put("block_stop_ms", blockStopMs);
        }
        return JsonWriter.write(json);
    }

    public String toItemJson() {
        Map<String, Object> json = new LinkedHashMap<String, Object>();
        json.put("steps", stepsJson());
        json.put("complete", complete);
        return JsonWriter.write(json);
    }

    private List<Object> stepsJson() {
        List<Object> list = new ArrayList<Object>();
        for (Step step : steps) {
            list.add(step.toJson());
        }
        return list;
    }
}
