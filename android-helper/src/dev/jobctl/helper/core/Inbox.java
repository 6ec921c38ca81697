package dev.jobctl.helper.core;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.regex.Pattern;

/**
 * App-private {@code files/inbox} (bulk requests written by the host through run-as)
 * and {@code files/outbox} (activity replies), PROTOCOL.md §2.3 and §2.5.
 * Files nobody will claim (a host interrupted between writing a request and broadcasting its
 * name, or mid-write, leaving {@code NAME.tmp}) are removed once they are older than
 * {@link #STALE_AGE_MS}: at the helper's start and whenever an inbox request is taken (§2.3).
 */
public final class Inbox {
    /** Inbox and outbox files older than this are orphans (PROTOCOL.md §2.3): 15 minutes. */
    public static final long STALE_AGE_MS = 15L * 60L * 1000L;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    private static final Charset UTF8 = Charset.forName("UTF-8");

    private final File inboxDir;
    private final File outboxDir;

    public Inbox(File inboxDir, File outboxDir) {
        this.inboxDir = inboxDir;
        this.outboxDir = outboxDir;
    }

    private static void checkName(String name) throws CommandError {
        if (!NAME.matcher(name).matches()) {
            throw CommandError.badRequest("bad inbox name: " + name);
        }
    }

    /** Reads and deletes {@code files/inbox/NAME}, then removes stale files ({@link #sweepStale}). */
    public String take(String name) throws CommandError, IOException {
        checkName(name);
        File file = new File(inboxDir, name);
        if (!file.isFile()) {
            sweepStale(System.currentTimeMillis());
            throw new CommandError(CommandError.INBOX_MISSING, "no inbox file: " + name);
        }
        try {
            return new String(FileBytes.readAll(file), UTF8);
        } finally {
            if (!file.delete()) {
                throw new IOException("cannot delete " + file);
            }
            sweepStale(System.currentTimeMillis());
        }
    }

    /**
     * Deletes every inbox and outbox file last modified more than {@link #STALE_AGE_MS} before
     * {@code nowWallMs}; returns how many. Best effort: a file that cannot be deleted stays.
     */
    public int sweepStale(long nowWallMs) {
        int removed = 0;
        for (File dir : new File[] {inboxDir, outboxDir}) {
            File[] files = dir.listFiles();
            if (files == null) {
                continue;
            }
            for (File file : files) {
                if (file.isFile() && nowWallMs - file.lastModified() > STALE_AGE_MS && file.delete()) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Writes {@code files/outbox/NAME} atomically: NAME.tmp, fsync, rename. */
    public void writeReply(String name, String json) throws CommandError, IOException {
        checkName(name);
        if (!outboxDir.isDirectory() && !outboxDir.mkdirs()) {
            throw new IOException("cannot create " + outboxDir);
        }
        File tmp = new File(outboxDir, name + ".tmp");
        FileOutputStream out = new FileOutputStream(tmp);
        try {
            out.write((json + "\n").getBytes(UTF8));
            out.getFD().sync();
        } finally {
            out.close();
        }
        if (!tmp.renameTo(new File(outboxDir, name))) {
            throw new IOException("cannot rename " + tmp);
        }
    }

    /** Deletes every inbox and outbox file ({@code reset}). */
    public void clear() throws IOException {
        for (File dir : new File[] {inboxDir, outboxDir}) {
            File[] files = dir.listFiles();
            if (files == null) {
                continue;
            }
            for (File file : files) {
                if (!file.delete()) {
                    throw new IOException("cannot delete " + file);
                }
            }
        }
    }
}
