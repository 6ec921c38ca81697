package dev.jobctl.helper.testing;

import static dev.jobctl.helper.testing.Check.eq;
import static dev.jobctl.helper.testing.Check.isTrue;

import dev.jobctl.helper.core.CommandError;
import dev.jobctl.helper.core.CommandHandler;
import dev.jobctl.helper.core.DequeuedWork;
import dev.jobctl.helper.core.Events;
import dev.jobctl.helper.core.Inbox;
import dev.jobctl.helper.core.JobRun;
import dev.jobctl.helper.core.JobSession;
import dev.jobctl.helper.core.JobStartFacts;
import dev.jobctl.helper.core.Journal;
import dev.jobctl.helper.core.JsonReader;
import dev.jobctl.helper.core.JsonWriter;
import dev.jobctl.helper.core.Pacer;
import dev.jobctl.helper.core.Protocol;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** JVM unit tests of the pure-Java core. Prints {@code N passed, N failed}; exits 1 on failure. */
public final class CoreTests {
    private CoreTests() {
    }

    public static void main(String[] args) {
        Check check = new Check();
        jsonTests(check);
        journalTests(check);
        inboxTests(check);
        jobRunTests(check);
        handlerTests(check);
        System.exit(check.finish());
    }

    // ---- JSON -------------------------------------------------------------------------

    private static void jsonTests(Check check) {
        check.test("json round trip keeps key order and escapes to ASCII", () -> {
            String text = "{\"b\":1,\"a\":[true,false,null,-5,\"x\\\"y\\\\z\\n\\u00e9\\u2028\"],\"c\":{}}";
            Object parsed = JsonReader.parse(text);
            eq("{\"b\":1,\"a\":[true,false,null,-5,\"x\\\"y\\\\z\\u000a\\u00e9\\u2028\"],\"c\":{}}",
                    JsonWriter.write(parsed));
        });
        check.test("json integers are longs, fractions doubles", () -> {
            eq(Long.valueOf(9007199254740993L), JsonReader.parse("9007199254740993"));
            eq(Double.valueOf(1.5), JsonReader.parse("1.5"));
            eq(Double.valueOf(100.0), JsonReader.parse("1e2"));
        });
        check.test("json duplicate keys: last wins", () -> {
            eq("{\"a\":2}", JsonWriter.write(JsonReader.parse("{\"a\":1,\"a\":2}")));
        });
        String[] bad = {"", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "01", "1.", "-", "\"\\x\"", "\"a\nb\"",
            "tru", "{} x", "99999999999999999999", "\"\\u12\"", "{'a':1}"};
        for (final String text : bad) {
            check.test("json rejects " + text.replace("\n", "\\n"), () -> {
                try {
                    JsonReader.parse(text);
                    throw new Check.Failure("accepted");
                } catch (JsonReader.MalformedJsonException e) {
                    isTrue(e.getMessage().startsWith("malformed JSON at offset "), e.getMessage());
                }
            });
        }
        check.test("json rejects nesting deeper than 64", () -> {
            StringBuilder deep = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                deep.append('[');
            }
            try {
                JsonReader.parse(deep.toString());
                throw new Check.Failure("accepted");
            } catch (JsonReader.MalformedJsonException e) {
                isTrue(e.getMessage().contains("nesting too deep"), e.getMessage());
            }
        });
    }

    // ---- Journal ----------------------------------------------------------------------

    private static File tempDir() throws IOException {
        return Files.createTempDirectory("jobctl-core-test-").toFile();
    }

    private static Journal journal(File dir, int segmentMax, MemorySink sink) throws IOException {
        return new Journal(dir, segmentMax, new FakeClock(5, 7), sink);
    }

    private static List<Long> seqs(Journal.Slice slice) {
        List<Long> seqs = new ArrayList<Long>();
        for (Map<String, Object> event : slice.events) {
            seqs.add((Long) event.get("seq"));
        }
        return seqs;
    }

    private static void journalTests(Check check) {
        check.test("journal seq continues after reopen and a torn last line is cut", () -> {
            File dir = tempDir();
            Journal first = journal(dir, 100, new MemorySink());
            first.append("reset", Events.fields());
            first.append("reset", Events.fields());
            FileOutputStream torn = new FileOutputStream(new File(dir, "current.jsonl"), true);
            torn.write("{\"seq\":3,\"elapsed_ms\":1,\"wa".getBytes(StandardCharsets.UTF_8));
            torn.close();
            Journal second = journal(dir, 100, new MemorySink());
            eq(3L, second.nextSeq());
            eq(3L, second.append("reset", Events.fields()));
            eq(java.util.Arrays.asList(1L, 2L, 3L), seqs(second.read(1, 100)));
        });
        check.test("journal skips an unparseable complete line", () -> {
            File dir = tempDir();
            Journal first = journal(dir, 100, new MemorySink());
            first.append("reset", Events.fields());
            FileOutputStream junk = new FileOutputStream(new File(dir, "current.jsonl"), true);
            junk.write("garbage\n".getBytes(StandardCharsets.UTF_8));
            junk.close();
            Journal second = journal(dir, 100, new MemorySink());
            eq(2L, second.append("reset", Events.fields()));
            eq(java.util.Arrays.asList(1L, 2L), seqs(second.read(1, 100)));
        });
        check.test("journal rotation keeps two segments and announces the gap", () -> {
            File dir = tempDir();
            Journal journal = journal(dir, 2, new MemorySink());
            for (int i = 0; i < 5; i++) {
                journal.append("reset", Events.fields());
            }
            Journal.Slice slice = journal.read(1, 100);
            eq(java.util.Arrays.asList(3L, 4L, 5L, 6L), seqs(slice));
            eq("dropped", slice.events.get(2).get("kind"));
            eq(3L, slice.events.get(2).get("before_seq"));
            eq(3L, journal.firstSeq());
            Journal reopened = journal(dir, 2, new MemorySink());
            eq(3L, reopened.firstSeq());
            eq(7L, reopened.nextSeq());
        });
        check.test("journal live lines equal stored lines; long events are truncated for logcat", () -> {
            File dir = tempDir();
            MemorySink sink = new MemorySink();
            Journal journal = journal(dir, 100, sink);
            journal.append("error", Events.fields("message", "short"));
            journal.append("error", Events.fields("message", String.join("", Collections.nCopies(5000, "x"))));
            String epoch = journal.epoch();
            eq("{\"seq\":1,\"elapsed_ms\":5,\"wall_ms\":7,\"kind\":\"error\",\"message\":\"short\",\"epoch\":\""
                    + epoch + "\"}", sink.lines.get(0));
            eq("{\"seq\":2,\"elapsed_ms\":5,\"wall_ms\":7,\"kind\":\"error\",\"log_truncated\":true,\"epoch\":\""
                    + epoch + "\"}", sink.lines.get(1));
            String stored = new String(Files.readAllBytes(new File(dir, "current.jsonl").toPath()),
                    StandardCharsets.UTF_8);
            isTrue(stored.split("\n")[1].length() > 5000, "journal keeps the full event");
        });
        check.test("journal epoch is 16 lowercase hex, kept in a file, the same after a process restart", () -> {
            File dir = tempDir();
            MemorySink sink = new MemorySink();
            Journal first = journal(dir, 100, sink);
            String epoch = first.epoch();
            isTrue(epoch.matches("[0-9a-f]{16}"), "epoch format: " + epoch);
            first.append("reset", Events.fields());
            String stored = new String(Files.readAllBytes(new File(dir, Journal.EPOCH_FILE).toPath()),
                    StandardCharsets.UTF_8);
            eq(epoch + "\n", stored);
            Journal second = journal(dir, 100, sink);
            eq(epoch, second.epoch());
            second.append("reset", Events.fields());
            for (Map<String, Object> event : second.read(1, 100).events) {
                eq(epoch, event.get("epoch"));
            }
            isTrue(sink.lines.get(1).endsWith(",\"epoch\":\"" + epoch + "\"}"), "live line carries the epoch");
        });
        check.test("journal epoch is new when the data directory is wiped and seq restarts at 1", () -> {
            File dir = tempDir();
            Journal before = journal(dir, 100, new MemorySink());
            before.append("reset", Events.fields());
            before.append("reset", Events.fields());
            for (File file : dir.listFiles()) {
                isTrue(file.delete(), "wipe " + file);
            }
            Journal after = journal(dir, 100, new MemorySink());
            eq(1L, after.append("reset", Events.fields()));
            isTrue(!before.epoch().equals(after.epoch()), "a wiped journal gets a new epoch");
            eq(after.epoch(), after.read(1, 10).events.get(0).get("epoch"));
        });
        check.test("journal replaces a damaged epoch file with a new epoch", () -> {
            File dir = tempDir();
            FileOutputStream damaged = new FileOutputStream(new File(dir, Journal.EPOCH_FILE));
            damaged.write("NOT-AN-EPOCH\n".getBytes(StandardCharsets.UTF_8));
            damaged.close();
            Journal journal = journal(dir, 100, new MemorySink());
            isTrue(Journal.isEpoch(journal.epoch()), "new epoch: " + journal.epoch());
            eq(journal.epoch(), journal(dir, 100, new MemorySink()).epoch());
        });
    }

    // ---- Inbox ------------------------------------------------------------------------

    private static File file(File dir, String name, long lastModified) throws IOException {
        if (!dir.isDirectory() && !dir.mkdirs()) {
            throw new IOException("cannot create " + dir);
        }
        File file = new File(dir, name);
        FileOutputStream out = new FileOutputStream(file);
        out.write("{}".getBytes(StandardCharsets.UTF_8));
        out.close();
        isTrue(file.setLastModified(lastModified), "set mtime of " + file);
        return file;
    }

    private static void inboxTests(Check check) {
        check.test("taking an inbox request removes orphans older than 15 minutes, keeps fresh files", () -> {
            File dir = tempDir();
            File inboxDir = new File(dir, "inbox");
            File outboxDir = new File(dir, "outbox");
            long now = System.currentTimeMillis();
            long old = now - Inbox.STALE_AGE_MS - 60000;
            File orphan = file(inboxDir, "req-orphan", old);
            File torn = file(inboxDir, "req-torn.tmp", old);
            File reply = file(outboxDir, "reply-old", old);
            File queued = file(inboxDir, "req-queued", now);
            file(inboxDir, "req-mine", now);
            Inbox inbox = new Inbox(inboxDir, outboxDir);
            eq("{}", inbox.take("req-mine"));
            isTrue(!orphan.exists() && !torn.exists() && !reply.exists(), "stale files removed");
            isTrue(queued.exists(), "a fresh file (another host's request on its way) is kept");
        });
        check.test("a missing inbox file still sweeps orphans; sweepStale counts what it removed", () -> {
            File dir = tempDir();
            File inboxDir = new File(dir, "inbox");
            long old = System.currentTimeMillis() - Inbox.STALE_AGE_MS - 1000;
            File orphan = file(inboxDir, "req-orphan", old);
            Inbox inbox = new Inbox(inboxDir, new File(dir, "outbox"));
            try {
                inbox.take("req-gone");
                isTrue(false, "inbox_missing expected");
            } catch (CommandError e) {
                eq(CommandError.INBOX_MISSING, e.code());
            }
            isTrue(!orphan.exists(), "orphan removed");
            file(inboxDir, "req-other", old);
            eq(1, inbox.sweepStale(System.currentTimeMillis()));
            eq(0, inbox.sweepStale(System.currentTimeMillis()));
        });
    }

    // ---- JobRun -----------------------------------------------------------------------

    /** A session whose calls can be made to throw. */
    private static final class ScriptedSession implements JobSession {
        final List<DequeuedWork> queue = new ArrayList<DequeuedWork>();
        RuntimeException completeFailure;
        RuntimeException notificationFailure;
        Boolean finished;
        boolean abandoned;

        @Override
        public DequeuedWork dequeueWork() {
            return queue.isEmpty() ? null : queue.remove(0);
        }

        @Override
        public void completeWork(DequeuedWork work) {
            if (completeFailure != null) {
                throw completeFailure;
            }
        }

        @Override
        public boolean reportTransferred(DequeuedWork work, long down, long up) {
            return true;
        }

        @Override
        public boolean reportEstimated(DequeuedWork work, long down, long up) {
            return true;
        }

        @Override
        public void jobFinished(boolean reschedule) {
            finished = reschedule;
        }

        @Override
        public void postNotification() {
            if (notificationFailure != null) {
                throw notificationFailure;
            }
        }

        @Override
        public void abandon() {
            abandoned = true;
        }
    }

    /** Waits take no time and are never stopped. */
    private static final class InstantPacer implements Pacer {
        @Override
        public boolean await(long ms) {
            return true;
        }

        @Override
        public void awaitStop() {
            throw new IllegalStateException("not in these tests");
        }

        @Override
        public void wake() {
        }
    }

    private static JobStartFacts facts(String script, Boolean userInitiated) {
        return new JobStartFacts(1, null, Boolean.FALSE, userInitiated, null, null, null, false, script);
    }

    private static List<Object> kinds(Journal journal) throws IOException {
        List<Object> kinds = new ArrayList<Object>();
        for (Map<String, Object> event : journal.read(1, 1000).events) {
            kinds.add(event.get("kind"));
        }
        return kinds;
    }

    private static void jobRunTests(Check check) {
        check.test("a corrupt stored script is an error event and the job finishes", () -> {
            Journal journal = journal(tempDir(), 100, new MemorySink());
            ScriptedSession session = new ScriptedSession();
            JobRun run = new JobRun(journal, facts("{\"steps\":[{\"op\":\"fly\"}]}", null), session,
                    new InstantPacer());
            run.start();
            run.execute();
            eq(java.util.Arrays.asList("started", "error", "finished"), kinds(journal));
            eq(Boolean.FALSE, session.finished);
        });
        check.test("completeWork throwing is recorded and ends the script", () -> {
            Journal journal = journal(tempDir(), 100, new MemorySink());
            ScriptedSession session = new ScriptedSession();
            session.queue.add(new DequeuedWork("a", 1, null, null));
            session.completeFailure = new IllegalArgumentException("Given work is not active: a");
            JobRun run = new JobRun(journal, facts(null, null), session, new InstantPacer());
            run.execute();
            eq(java.util.Arrays.asList("work_dequeued", "error"), kinds(journal));
            Map<String, Object> error = journal.read(2, 1).events.get(0);
            eq("complete_work", error.get("where"));
            eq("java.lang.IllegalArgumentException", error.get("type"));
            eq(null, session.finished);
        });
        check.test("a failing notification is recorded and the user-initiated job continues", () -> {
            Journal journal = journal(tempDir(), 100, new MemorySink());
            ScriptedSession session = new ScriptedSession();
            session.notificationFailure = new IllegalArgumentException("invalid notification channel");
            JobRun run = new JobRun(journal, facts(null, Boolean.TRUE), session, new InstantPacer());
            run.execute();
            eq(java.util.Arrays.asList("error", "finished"), kinds(journal));
            eq("notification", journal.read(1, 1).events.get(0).get("where"));
        });
        check.test("transfer rounds are exact for huge totals and feed the hidden getters", () -> {
            Journal journal = journal(tempDir(), 100, new MemorySink());
            String script = "{\"steps\":[{\"op\":\"transfer\",\"down\":9223372036854775807,\"up\":7,\"chunks\":3}"
                    + ",{\"op\":\"finish\"}]}";
            JobRun run = new JobRun(journal, facts(script, null), new ScriptedSession(), new InstantPacer());
            run.execute();
            eq(Long.MAX_VALUE, run.transferredBytes(null, true));
            eq(7L, run.transferredBytes(null, false));
            eq(0L, run.transferredBytes("other", true));
            eq(Long.MAX_VALUE / 3, journal.read(1, 1).events.get(0).get("down"));
        });
        check.test("onNetworkChanged is journalled", () -> {
            Journal journal = journal(tempDir(), 100, new MemorySink());
            JobRun run = new JobRun(journal, facts(null, null), new ScriptedSession(), new InstantPacer());
            run.networkChanged("105");
            eq("{\"seq\":1,\"elapsed_ms\":5,\"wall_ms\":7,\"kind\":\"network_changed\",\"job_id\":1,"
                    + "\"namespace\":null,\"network\":\"105\",\"epoch\":\"" + journal.epoch() + "\"}",
                    JsonWriter.write(journal.read(1, 1).events.get(0)));
        });
    }

    // ---- CommandHandler ---------------------------------------------------------------

    private static CommandHandler handler(File dir, Journal journal) {
        return new CommandHandler(new FakeScheduler(34, new HashSet<Integer>()), journal,
                new Inbox(new File(dir, "inbox"), new File(dir, "outbox")));
    }

    private static void handlerTests(Check check) {
        check.test("10,000 work items in one inbox command", () -> {
            File dir = tempDir();
            Journal journal = journal(new File(dir, "journal"), 100, new MemorySink());
            StringBuilder request = new StringBuilder("{\"v\":1,\"cmd\":\"enqueue\",\"spec\":{\"job_id\":1},\"items\":[");
            for (int i = 0; i < 10000; i++) {
                request.append(i == 0 ? "" : ",").append("{\"tag\":\"item-").append(i).append("\"}");
            }
            request.append("]}");
            File inbox = new File(dir, "inbox");
            isTrue(inbox.mkdirs(), "mkdir inbox");
            Files.write(new File(inbox, "bulk").toPath(), request.toString().getBytes(StandardCharsets.UTF_8));
            CommandHandler.Response response = handler(dir, journal).handle(null, "bulk");
            eq("{\"v\":1,\"id\":null,\"ok\":true,\"result\":{\"job_id\":1,\"namespace\":null,\"enqueued\":10000}}",
                    response.json);
            isTrue(!new File(inbox, "bulk").exists(), "inbox file deleted after reading");
        });
        check.test("no input crashes the handler", () -> {
            File dir = tempDir();
            CommandHandler handler = handler(dir, journal(new File(dir, "journal"), 100, new MemorySink()));
            String[] inputs = {"", "\u0000", "null", "{\"v\":1}", "{\"v\":1,\"cmd\":null}", "{\"v\":1,\"cmd\":5}",
                "{\"v\":1,\"cmd\":\"schedule\",\"spec\":[]}", "{\"v\":1.0,\"cmd\":\"info\"}",
                "{\"v\":1,\"cmd\":\"schedule\",\"spec\":{\"job_id\":4294967296}}",
                "{\"v\":1,\"cmd\":\"enqueue\",\"spec\":{\"job_id\":1},\"items\":[5]}",
                "{\"v\":1,\"cmd\":\"schedule\",\"spec\":{\"job_id\":1,\"extras\":{\"a\":[1]}}}"};
            for (String input : inputs) {
                CommandHandler.Response response = handler.handle(input, null);
                isTrue(!response.ok && response.resultCode() == 2, "error for " + input);
                isTrue(response.json.startsWith("{\"v\":1,\"id\":null,\"ok\":false,\"error\":{\"code\":\""),
                        response.json);
            }
        });
        check.test("only shell, root and the helper itself may command", () -> {
            isTrue(Protocol.mayCommand(2000, 10123), "shell");
            isTrue(Protocol.mayCommand(0, 10123), "root");
            isTrue(Protocol.mayCommand(10123, 10123), "self");
            isTrue(!Protocol.mayCommand(10124, 10123), "other app");
            eq(1004, Protocol.VERSION_CODE);
        });
        check.test("a launcher that shared its identity must be shell, root or the helper", () -> {
            File dir = tempDir();
            CommandHandler handler = handler(dir, journal(new File(dir, "journal"), 100, new MemorySink()));
            String info = "{\"v\":1,\"cmd\":\"info\"}";
            eq("{\"v\":1,\"id\":null,\"ok\":false,\"error\":{\"code\":\"forbidden\","
                    + "\"message\":\"uid 10124 may not command the helper\",\"type\":null,\"details\":null}}",
                    handler.handleActivity(10124, 10123, info, null).json);
            isTrue(handler.handleActivity(Protocol.UNKNOWN_UID, 10123, info, null).ok, "unknown launcher (am start)");
            isTrue(handler.handleActivity(2000, 10123, info, null).ok, "shell");
        });
        check.test("job extras never reach logcat: the scheduled event is logged as the stand-in", () -> {
            File dir = tempDir();
            MemorySink sink = new MemorySink();
            Journal journal = journal(new File(dir, "journal"), 100, sink);
            CommandHandler handler = handler(dir, journal);
            isTrue(handler.handle("{\"v\":1,\"cmd\":\"schedule\",\"spec\":{\"job_id\":1,"
                    + "\"extras\":{\"token\":\"s3cr3t-extra\"}}}", null).ok, "schedule with extras");
            isTrue(handler.handle("{\"v\":1,\"cmd\":\"schedule\",\"spec\":{\"job_id\":2,"
                    + "\"transient_extras\":{\"token\":\"s3cr3t-transient\"}}}", null).ok, "transient extras");
            isTrue(handler.handle("{\"v\":1,\"cmd\":\"schedule\",\"spec\":{\"job_id\":3,\"extras\":{}}}", null).ok,
                    "empty extras");
            eq("{\"seq\":1,\"elapsed_ms\":5,\"wall_ms\":7,\"kind\":\"scheduled\",\"log_truncated\":true,"
                    + "\"epoch\":\"" + journal.epoch() + "\"}",
                    sink.lines.get(0));
            eq("{\"seq\":2,\"elapsed_ms\":5,\"wall_ms\":7,\"kind\":\"scheduled\",\"log_truncated\":true,"
                    + "\"epoch\":\"" + journal.epoch() + "\"}",
                    sink.lines.get(1));
            eq("{\"seq\":3,\"elapsed_ms\":5,\"wall_ms\":7,\"kind\":\"scheduled\",\"job_id\":3,\"namespace\":null,"
                    + "\"spec\":{\"job_id\":3,\"extras\":{}},\"epoch\":\"" + journal.epoch() + "\"}",
                    sink.lines.get(2));
            String stored = new String(Files.readAllBytes(new File(dir, "journal/current.jsonl").toPath()),
                    StandardCharsets.UTF_8);
            isTrue(stored.contains("s3cr3t-extra") && stored.contains("s3cr3t-transient"),
                    "the private journal keeps the full events");
        });
        check.test("activity replies land atomically in the outbox", () -> {
            File dir = tempDir();
            Inbox inbox = new Inbox(new File(dir, "inbox"), new File(dir, "outbox"));
            inbox.writeReply("r1", "{\"ok\":true}");
            eq("{\"ok\":true}\n", new String(Files.readAllBytes(new File(dir, "outbox/r1").toPath()),
                    StandardCharsets.UTF_8));
            isTrue(!new File(dir, "outbox/r1.tmp").exists(), "no temp file left");
            inbox.clear();
            isTrue(!new File(dir, "outbox/r1").exists(), "reset clears the outbox");
        });
    }
}
