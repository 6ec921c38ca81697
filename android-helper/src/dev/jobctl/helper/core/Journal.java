package dev.jobctl.helper.core;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.Charset;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable event journal (PROTOCOL.md §5.3): two JSON-lines segments, each event
 * fsync'd before it is published or acknowledged, sequence numbers continuing across
 * restarts, and an explicit {@code dropped} marker whenever events are deleted.
 * Every event carries the journal's {@code epoch} (PROTOCOL.md §5.6): 16 lowercase hex digits
 * chosen when the journal directory has none, kept in {@code epoch} next to the segments, so it
 * survives process restarts and changes when the app's data is wiped ({@code pm clear},
 * uninstall) and the numbering restarts at 1.
 * Thread-safe: the command thread and the job threads append concurrently.
 */
public final class Journal {
    public static final int DEFAULT_SEGMENT_MAX_EVENTS = 10000;
    static final int LOG_LINE_MAX_BYTES = 4000;
    /** The file holding the epoch, in the journal directory. */
    public static final String EPOCH_FILE = "epoch";
    private static final int EPOCH_HEX_DIGITS = 16;
    private static final Charset UTF8 = Charset.forName("UTF-8");

    /** A slice of the journal returned by {@link #read}. */
    public static final class Slice {
        public final List<Map<String, Object>> events;
        public final long firstSeq;
        public final long nextSeq;

        Slice(List<Map<String, Object>> events, long firstSeq, long nextSeq) {
            this.events = events;
            this.firstSeq = firstSeq;
            this.nextSeq = nextSeq;
        }
    }

    private final File current;
    private final File previous;
    private final int segmentMaxEvents;
    private final Clock clock;
    private final LiveSink sink;
    private final String epoch;

    private long nextSeq;
    private long firstSeq;
    private long currentFirstSeq;
    private int currentCount;
    private int previousCount;

    public Journal(File dir, int segmentMaxEvents, Clock clock, LiveSink sink) throws IOException {
        if (segmentMaxEvents < 2) {
            throw new IllegalArgumentException("segmentMaxEvents must be >= 2");
        }
        if (!dir.isDirectory() && !dir.mkdirs()) {
            throw new IOException("cannot create " + dir);
        }
        this.current = new File(dir, "current.jsonl");
        this.previous = new File(dir, "previous.jsonl");
        this.segmentMaxEvents = segmentMaxEvents;
        this.clock = clock;
        this.sink = sink;
        this.epoch = loadOrCreateEpoch(new File(dir, EPOCH_FILE));
        recover();
    }

    /** The journal's epoch: 16 lowercase hex digits, the same for every event of this journal. */
    public String epoch() {
        return epoch;
    }

    /** Whether {@code text} is an epoch: exactly 16 lowercase hex digits. */
    public static boolean isEpoch(String text) {
        if (text == null || text.length() != EPOCH_HEX_DIGITS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The stored epoch, or a new random one written atomically (tmp, fsync, rename) when the
     * file is missing or does not hold an epoch (a wiped or damaged data directory).
     */
    private static String loadOrCreateEpoch(File file) throws IOException {
        if (file.isFile()) {
            String stored = new String(FileBytes.readAll(file), UTF8).trim();
            if (isEpoch(stored)) {
                return stored;
            }
        }
        byte[] random = new byte[EPOCH_HEX_DIGITS / 2];
        new SecureRandom().nextBytes(random);
        StringBuilder hex = new StringBuilder();
        for (byte b : random) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        String created = hex.toString();
        File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
        FileOutputStream out = new FileOutputStream(tmp);
        try {
            out.write((created + "\n").getBytes(UTF8));
            out.getFD().sync();
        } finally {
            out.close();
        }
        if (!tmp.renameTo(file)) {
            throw new IOException("cannot rename " + tmp + " to " + file);
        }
        return created;
    }

    private void recover() throws IOException {
        truncatePartialLine(current);
        List<Map<String, Object>> older = readSegment(previous);
        List<Map<String, Object>> newer = readSegment(current);
        previousCount = older.size();
        currentCount = newer.size();
        long last = 0;
        if (!newer.isEmpty()) {
            last = seqOf(newer.get(newer.size() - 1));
        } else if (!older.isEmpty()) {
            last = seqOf(older.get(older.size() - 1));
        }
        nextSeq = last + 1;
        currentFirstSeq = newer.isEmpty() ? nextSeq : seqOf(newer.get(0));
        firstSeq = older.isEmpty() ? currentFirstSeq : seqOf(older.get(0));
    }

    public synchronized long nextSeq() {
        return nextSeq;
    }

    public synchronized long firstSeq() {
        return firstSeq;
    }

    /** Appends one event; returns its seq once it is on disk. */
    public synchronized long append(String kind, Map<String, Object> fields) throws IOException {
        if (currentCount >= segmentMaxEvents) {
            rotate();
        }
        return write(kind, fields);
    }

    /** Deletes every stored event and writes a {@code dropped} marker; seqs continue. */
    public synchronized void clear() throws IOException {
        deleteIfPresent(previous);
        deleteIfPresent(current);
        previousCount = 0;
        currentCount = 0;
        firstSeq = nextSeq;
        currentFirstSeq = nextSeq;
        writeDropped(nextSeq);
    }

    /** Stored events with {@code seq >= fromSeq}, ascending, at most {@code max}. */
    public synchronized Slice read(long fromSeq, int max) throws IOException {
        List<Map<String, Object>> events = new ArrayList<Map<String, Object>>();
        List<Map<String, Object>> stored = readSegment(previous);
        stored.addAll(readSegment(current));
        for (Map<String, Object> event : stored) {
            if (events.size() >= max) {
                break;
            }
            if (seqOf(event) >= fromSeq) {
                events.add(event);
            }
        }
        return new Slice(events, firstSeq, nextSeq);
    }

    private void rotate() throws IOException {
        boolean dropping = previousCount > 0;
        deleteIfPresent(previous);
        if (!current.renameTo(previous)) {
            throw new IOException("cannot rename " + current + " to " + previous);
        }
        previousCount = currentCount;
        firstSeq = currentFirstSeq;
        currentCount = 0;
        currentFirstSeq = nextSeq;
        if (dropping) {
            writeDropped(firstSeq);
        }
    }

    private void writeDropped(long beforeSeq) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<String, Object>();
        fields.put("before_seq", beforeSeq);
        write("dropped", fields);
    }

    private long write(String kind, Map<String, Object> fields) throws IOException {
        long seq = nextSeq;
        Map<String, Object> event = new LinkedHashMap<String, Object>();
        event.put("seq", seq);
        event.put("elapsed_ms", clock.elapsedMs());
        event.put("wall_ms", clock.wallMs());
        event.put("kind", kind);
        event.putAll(fields);
        event.put("epoch", epoch);
        String line = JsonWriter.write(event);
        FileOutputStream out = new FileOutputStream(current, true);
        try {
            out.write((line + "\n").getBytes(UTF8));
            out.getFD().sync();
        } finally {
            out.close();
        }
        if (currentCount == 0) {
            currentFirstSeq = seq;
        }
        currentCount++;
        nextSeq = seq + 1;
        sink.publish(liveMessage(event, line));
        return seq;
    }

    /**
     * The logcat message for an event (PROTOCOL.md §5.4): the journal line, or the
     * {@code log_truncated} stand-in when the line is longer than 4000 bytes or when the event
     * carries job extras values, which are never written to logcat (PROTOCOL.md §9).
     */
    static String liveMessage(Map<String, Object> event, String line) {
        if (line.length() <= LOG_LINE_MAX_BYTES && !carriesJobExtras(event)) {
            return line;
        }
        Map<String, Object> stub = new LinkedHashMap<String, Object>();
        stub.put("seq", event.get("seq"));
        stub.put("elapsed_ms", event.get("elapsed_ms"));
        stub.put("wall_ms", event.get("wall_ms"));
        stub.put("kind", event.get("kind"));
        stub.put("log_truncated", Boolean.TRUE);
        stub.put("epoch", event.get("epoch"));
        return JsonWriter.write(stub);
    }

    /** A {@code scheduled} event echoes the request's SPEC: non-empty extras or transient extras. */
    static boolean carriesJobExtras(Map<String, Object> event) {
        Object spec = event.get("spec");
        if (!(spec instanceof Map)) {
            return false;
        }
        Map<?, ?> fields = (Map<?, ?>) spec;
        return isNonEmptyMap(fields.get("extras")) || isNonEmptyMap(fields.get("transient_extras"));
    }

    private static boolean isNonEmptyMap(Object value) {
        return value instanceof Map && !((Map<?, ?>) value).isEmpty();
    }

    private static long seqOf(Map<String, Object> event) {
        return (Long) event.get("seq");
    }

    private static void deleteIfPresent(File file) throws IOException {
        if (file.exists() && !file.delete()) {
            throw new IOException("cannot delete " + file);
        }
    }

    /** Cuts a last line that lacks its newline (a crash mid-write). */
    private static void truncatePartialLine(File file) throws IOException {
        if (!file.exists()) {
            return;
        }
        RandomAccessFile raf = new RandomAccessFile(file, "rw");
        try {
            long end = raf.length();
            long keep = end;
            while (keep > 0) {
                raf.seek(keep - 1);
                if (raf.read() == '\n') {
                    break;
                }
                keep--;
            }
            if (keep != end) {
                raf.setLength(keep);
                raf.getFD().sync();
            }
        } finally {
            raf.close();
        }
    }

    /** Complete, parseable event lines of one segment; unparseable lines are skipped. */
    private static List<Map<String, Object>> readSegment(File file) throws IOException {
        List<Map<String, Object>> events = new ArrayList<Map<String, Object>>();
        if (!file.exists()) {
            return events;
        }
        String text = new String(FileBytes.readAll(file), UTF8);
        int start = 0;
        int newline;
        while ((newline = text.indexOf('\n', start)) >= 0) {
            Map<String, Object> event = parseEvent(text.substring(start, newline));
            if (event != null) {
                events.add(event);
            }
            start = newline + 1;
        }
        return events;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseEvent(String line) {
        try {
            Object value = JsonReader.parse(line);
            if (value instanceof Map && ((Map<String, Object>) value).get("seq") instanceof Long) {
                return (Map<String, Object>) value;
            }
            return null;
        } catch (JsonReader.MalformedJsonException e) {
            return null;
        }
    }
}
