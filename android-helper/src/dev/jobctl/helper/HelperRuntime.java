package dev.jobctl.helper;

import android.app.job.JobScheduler;
import android.content.Context;
import android.os.Process;
import android.os.SystemClock;
import android.util.Log;

import dev.jobctl.helper.core.Clock;
import dev.jobctl.helper.core.CommandHandler;
import dev.jobctl.helper.core.Events;
import dev.jobctl.helper.core.Inbox;
import dev.jobctl.helper.core.JobRun;
import dev.jobctl.helper.core.Journal;
import dev.jobctl.helper.core.LiveSink;

import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Process-wide state: the journal, the command handler with its single command thread,
 * and the running jobs. Created on first use in a process, which writes {@code process_started}.
 */
final class HelperRuntime {
    static final String LOG_TAG = "jobctl";

    private static HelperRuntime instance;

    private final Journal journal;
    private final Inbox inbox;
    private final CommandHandler commands;
    private final ExecutorService commandThread = Executors.newSingleThreadExecutor();
    private final Map<String, JobRun> runningJobs = new ConcurrentHashMap<String, JobRun>();

    private HelperRuntime(Context app) throws IOException {
        File files = app.getFilesDir();
        journal = new Journal(new File(files, "journal"), Journal.DEFAULT_SEGMENT_MAX_EVENTS, new AndroidClock(),
                new LiveSink() {
                    @Override
                    public void publish(String line) {
                        Log.i(LOG_TAG, line);
                    }
                });
        inbox = new Inbox(new File(files, "inbox"), new File(files, "outbox"));
        inbox.sweepStale(System.currentTimeMillis()); // orphans of interrupted hosts (PROTOCOL.md §2.3)
        JobScheduler scheduler = (JobScheduler) app.getSystemService(Context.JOB_SCHEDULER_SERVICE);
        commands = new CommandHandler(new AndroidScheduler(app, scheduler), journal, inbox);
        UserInitiatedNotification.createChannel(app);
        journal.append("process_started", Events.fields("pid", Process.myPid()));
    }

    static synchronized HelperRuntime get(Context context) {
        if (instance == null) {
            try {
                instance = new HelperRuntime(context.getApplicationContext());
            } catch (IOException e) {
                throw new IllegalStateException("helper storage unusable", e);
            }
        }
        return instance;
    }

    Journal journal() {
        return journal;
    }

    Inbox inbox() {
        return inbox;
    }

    CommandHandler commands() {
        return commands;
    }

    /** The single thread all commands run on, off the main thread (PROTOCOL.md §7). */
    ExecutorService commandThread() {
        return commandThread;
    }

    void register(String key, JobRun run) {
        runningJobs.put(key, run);
    }

    JobRun running(String key) {
        return runningJobs.get(key);
    }

    void unregister(String key, JobRun run) {
        runningJobs.remove(key, run);
    }

    private static final class AndroidClock implements Clock {
        @Override
        public long elapsedMs() {
            return SystemClock.elapsedRealtime();
        }

        @Override
        public long wallMs() {
            return System.currentTimeMillis();
        }
    }
}
