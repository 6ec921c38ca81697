package dev.jobctl.helper.testing;

import dev.jobctl.helper.core.CommandHandler;
import dev.jobctl.helper.core.Fields;
import dev.jobctl.helper.core.Inbox;
import dev.jobctl.helper.core.JobRun;
import dev.jobctl.helper.core.JobStartFacts;
import dev.jobctl.helper.core.Journal;
import dev.jobctl.helper.core.JsonReader;
import dev.jobctl.helper.core.JsonWriter;
import dev.jobctl.helper.core.Protocol;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs contract vectors (format: tests/contract/README.md) through the core with a fake
 * clock and the fake scheduler. Prints one PASS/FAIL line per vector and
 * {@code N passed, N failed}; exits 1 on any failure. {@code --record} prints the actual
 * responses and events instead, for authoring vectors.
 */
public final class ContractRunner {
    static final int OWN_UID = 10123;
    /** README: the journal epoch a vector's helper finds on disk unless {@code journal.epoch} says otherwise. */
    static final String DEFAULT_EPOCH = "0123456789abcdef";

    /** A vector did not match; the message says where. */
    static final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }

    private final Fields vector;
    private final boolean record;
    private final File dir;
    private final FakeClock clock;
    private final MemorySink sink = new MemorySink();
    private final FakeScheduler scheduler;
    private final int segmentMaxEvents;
    private Journal journal;
    private CommandHandler handler;
    private final List<Object> recorded = new ArrayList<Object>();

    private ContractRunner(Fields vector, boolean record, File dir) throws Exception {
        this.vector = vector;
        this.record = record;
        this.dir = dir;
        Fields device = optional(vector, "device");
        Fields clockSpec = optional(vector, "clock");
        Fields journalSpec = optional(vector, "journal");
        Fields schedulerSpec = optional(vector, "scheduler");
        clock = new FakeClock(clockSpec.longOr("elapsed_ms", 1000), clockSpec.longOr("wall_ms", 1700000000000L));
        segmentMaxEvents = (int) journalSpec.longOr("segment_max_events", Journal.DEFAULT_SEGMENT_MAX_EVENTS);
        Set<Integer> failing = new HashSet<Integer>();
        List<Integer> ids = schedulerSpec.optIntList("result_failure_job_ids");
        if (ids != null) {
            failing.addAll(ids);
        }
        scheduler = new FakeScheduler((int) device.longOr("api_level", 34), failing);
        Fields preload = schedulerSpec.optObject("preload_jobs");
        if (preload != null) {
            scheduler.preload(preload.reqInt("first_id"), preload.reqInt("count"));
        }
        writeEpoch(journalSpec.has("epoch") ? journalSpec.reqString("epoch") : DEFAULT_EPOCH);
        openProcess();
    }

    /** The epoch file the helper's first start finds (PROTOCOL.md §5.6), so vectors are reproducible. */
    private void writeEpoch(String epoch) throws IOException {
        File journalDir = new File(dir, "journal");
        if (!journalDir.isDirectory() && !journalDir.mkdirs()) {
            throw new IOException("cannot create " + journalDir);
        }
        FileOutputStream out = new FileOutputStream(new File(journalDir, Journal.EPOCH_FILE));
        try {
            out.write((epoch + "\n").getBytes(StandardCharsets.UTF_8));
        } finally {
            out.close();
        }
    }

    private static Fields optional(Fields parent, String key) throws Exception {
        Fields child = parent.optObject(key);
        return child != null ? child : new Fields(new LinkedHashMap<String, Object>(), key);
    }

    /** A (re)started helper process: the journal is reopened from disk. */
    private void openProcess() throws IOException {
        journal = new Journal(new File(dir, "journal"), segmentMaxEvents, clock, sink);
        handler = new CommandHandler(scheduler, journal, new Inbox(new File(dir, "inbox"), new File(dir, "outbox")));
    }

    private void run() throws Exception {
        List<Object> steps = vector.reqList("steps");
        for (int i = 0; i < steps.size(); i++) {
            Fields step = Fields.of(steps.get(i), "steps[" + i + "]");
            runStep(step, "step " + i);
        }
    }

    private void runStep(Fields step, String where) throws Exception {
        long fromSeq = journal.nextSeq();
        int sinkFrom = sink.lines.size();
        Map<String, Object> actual = new LinkedHashMap<String, Object>();
        if (step.has("request") || step.has("request_raw") || step.has("request_file")) {
            actual.put("response", JsonReader.parse(request(step)));
        } else if (step.has("run_job")) {
            runJob(step.reqObject("run_job"));
        } else if (step.has("advance_ms")) {
            clock.advance(step.reqLong("advance_ms"));
        } else if (step.boolOr("restart", false)) {
            openProcess();
        } else {
            throw new Mismatch(where + ": unknown step kind");
        }
        List<Object> events = new ArrayList<Object>(journal.read(fromSeq, Integer.MAX_VALUE).events);
        actual.put("events", events);
        List<String> logcat = checkLiveDelivery(events, sinkFrom, where);
        if (record) {
            recorded.add(actual);
            return;
        }
        if (step.has("expect_logcat")) {
            expectEqual(where + " logcat", step.raw().get("expect_logcat"), new ArrayList<Object>(logcat));
        }
        if (actual.containsKey("response")) {
            expectEqual(where + " response", step.raw().get("expect_response"), actual.get("response"));
        }
        Object expectedEvents = step.has("expect_events") ? step.raw().get("expect_events") : new ArrayList<Object>();
        expectEqual(where + " events", expectedEvents, events);
    }

    private String request(Fields step) throws Exception {
        Fields inbox = step.optObject("inbox");
        if (inbox != null) {
            for (Map.Entry<String, Object> file : inbox.raw().entrySet()) {
                Object content = file.getValue();
                writeInbox(file.getKey(), content instanceof String ? (String) content : JsonWriter.write(content));
            }
        }
        String inline = null;
        if (step.has("request")) {
            inline = JsonWriter.write(step.raw().get("request"));
        } else if (step.has("request_raw")) {
            inline = step.reqString("request_raw");
        }
        Fields broadcast = optional(step, "broadcast");
        String action = broadcast.has("action") ? broadcast.reqString("action") : Protocol.COMMAND_ACTION;
        int sender = (int) broadcast.longOr("sender_uid", Protocol.UNKNOWN_UID);
        CommandHandler.Response response = handler.handleBroadcast(action, sender, OWN_UID, inline,
                step.optString("request_file"));
        if (response.resultCode() != (response.ok ? 1 : 2)) {
            throw new Mismatch("result code " + response.resultCode() + " disagrees with " + response.json);
        }
        return response.json;
    }

    private void writeInbox(String name, String content) throws IOException {
        File inboxDir = new File(dir, "inbox");
        if (!inboxDir.isDirectory() && !inboxDir.mkdirs()) {
            throw new IOException("cannot create " + inboxDir);
        }
        FileOutputStream out = new FileOutputStream(new File(inboxDir, name));
        try {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        } finally {
            out.close();
        }
    }

    private void runJob(Fields spec) throws Exception {
        int api = scheduler.apiLevel();
        String namespace = spec.optString("namespace");
        int jobId = spec.reqInt("job_id");
        FakeScheduler.Job job = scheduler.job(namespace, jobId);
        if (job == null) {
            throw new Mismatch("run_job: no such job " + namespace + "/" + jobId);
        }
        Fields params = optional(spec, "params");
        JobStartFacts facts = new JobStartFacts(jobId, api >= 34 ? namespace : null,
                api >= 31 ? Boolean.valueOf(job.spec.expedited) : null,
                api >= 34 ? Boolean.valueOf(job.spec.userInitiated) : null,
                api >= 28 ? params.optString("network") : null,
                params.optStringList("triggered_uris"), params.optStringList("triggered_authorities"),
                params.boolOr("override_deadline_expired", false), job.spec.script.toJobJson());
        Fields stop = spec.optObject("stop");
        Long stopAt = stop == null ? null : clock.elapsedMs() + stop.reqLong("at_ms");
        Integer reason = stop == null || api < 31 ? null : stop.reqInt("reason");
        FakePacer pacer = new FakePacer(clock, stopAt, reason);
        FakeJobSession session = new FakeJobSession(job, api);
        JobRun run = new JobRun(journal, facts, session, pacer);
        pacer.attach(run);
        run.start();
        run.execute();
        session.endRun();
        boolean reschedule = pacer.stopReturned != null ? pacer.stopReturned
                : Boolean.TRUE.equals(session.finishedWithReschedule);
        if (!reschedule && job.spec.periodicIntervalMs == null && job.queue.isEmpty()) {
            scheduler.remove(job.spec.namespace, jobId);
        }
    }

    /**
     * README: the logcat lines of a step are the PROTOCOL.md §5.4 messages of its events (the
     * journal line, or the stand-in above 4000 bytes or for an event carrying job extras), and
     * equal the step's {@code expect_logcat} when the vector gives one.
     */
    private List<String> checkLiveDelivery(List<Object> events, int sinkFrom, String where) throws Mismatch {
        List<String> live = new ArrayList<String>(sink.lines.subList(sinkFrom, sink.lines.size()));
        List<String> expected = new ArrayList<String>();
        for (Object event : events) {
            expected.add(expectedLiveMessage(event));
        }
        if (!live.equals(expected)) {
            throw new Mismatch(where + ": logcat lines " + live + " differ from the journal's §5.4 messages " + expected);
        }
        return live;
    }

    /** The runner's own statement of the §5.4 rule (not the core's code). */
    @SuppressWarnings("unchecked")
    private static String expectedLiveMessage(Object event) {
        Map<String, Object> fields = (Map<String, Object>) event;
        String line = JsonWriter.write(event);
        boolean extras = false;
        Object spec = fields.get("spec");
        if (spec instanceof Map) {
            for (String key : new String[] {"extras", "transient_extras"}) {
                Object value = ((Map<String, Object>) spec).get(key);
                extras |= value instanceof Map && !((Map<String, Object>) value).isEmpty();
            }
        }
        if (line.length() <= 4000 && !extras) {
            return line;
        }
        Map<String, Object> stub = new LinkedHashMap<String, Object>();
        for (String key : new String[] {"seq", "elapsed_ms", "wall_ms", "kind"}) {
            stub.put(key, fields.get(key));
        }
        stub.put("log_truncated", Boolean.TRUE);
        stub.put("epoch", fields.get("epoch"));
        return JsonWriter.write(stub);
    }

    private static void expectEqual(String what, Object expected, Object actual) throws Mismatch {
        String want = JsonWriter.write(expected);
        String got = JsonWriter.write(actual);
        if (!want.equals(got)) {
            throw new Mismatch(what + "\n  expected: " + want + "\n  actual:   " + got);
        }
    }

    private static File tempDir() throws IOException {
        return Files.createTempDirectory("jobctl-contract-").toFile();
    }

    private static void deleteTree(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteTree(child);
            }
        }
        if (!file.delete()) {
            file.deleteOnExit();
        }
    }

    public static void main(String[] args) throws Exception {
        boolean record = args.length > 0 && args[0].equals("--record");
        int passed = 0;
        int failed = 0;
        for (int i = record ? 1 : 0; i < args.length; i++) {
            File file = new File(args[i]);
            String text = new String(Files.readAllBytes(file.toPath()), StandardCharsets.UTF_8);
            Fields vector = Fields.of(JsonReader.parse(text), "");
            String name = vector.has("name") ? vector.reqString("name") : file.getName();
            File dir = tempDir();
            try {
                ContractRunner runner = new ContractRunner(vector, record, dir);
                runner.run();
                if (record) {
                    System.out.println(JsonWriter.write(runner.recorded));
                }
                System.err.println("PASS " + name);
                passed++;
            } catch (Exception e) {
                System.err.println("FAIL " + name + ": " + e);
                failed++;
            } finally {
                deleteTree(dir);
            }
        }
        System.err.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
