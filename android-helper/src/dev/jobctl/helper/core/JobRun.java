package dev.jobctl.helper.core;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One execution of a job: follows its JOB-SCRIPT (PROTOCOL.md §7) and journals what happens.
 * {@link #start} and {@link #stop} are called from the platform callbacks and return promptly;
 * {@link #execute} runs on a worker thread (synchronously in tests).
 */
public final class JobRun {
    private enum WorkOutcome { CONTINUE, ENDED }

    /** Thrown to end the script after an error event was written. */
    private static final class ScriptAbort extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private final Journal journal;
    private final JobStartFacts facts;
    private final JobSession session;
    private final Pacer pacer;
    private final Script script;
    private final String scriptError;
    private final Map<String, long[]> transferred = new HashMap<String, long[]>();
    private volatile boolean stopped;
    private int incompleteItems;

    public JobRun(Journal journal, JobStartFacts facts, JobSession session, Pacer pacer) {
        this.journal = journal;
        this.facts = facts;
        this.session = session;
        this.pacer = pacer;
        Script parsed;
        String error;
        try {
            parsed = Script.fromStored(facts.scriptJson, false);
            error = null;
        } catch (CommandError e) {
            parsed = Script.defaultJobScript();
            error = e.getMessage();
        }
        this.script = parsed;
        this.scriptError = error;
    }

    /** Called from {@code onStartJob}: writes {@code started}. */
    public void start() throws IOException {
        journal.append("started", Events.fields("job_id", facts.jobId, "namespace", facts.namespace,
                "expedited", facts.expedited, "user_initiated", facts.userInitiated, "network", facts.network,
                "triggered_uris", facts.triggeredUris, "triggered_authorities", facts.triggeredAuthorities,
                "override_deadline_expired", facts.overrideDeadlineExpired));
    }

    /** Called from {@code onStopJob}: writes {@code stopped}, wakes the worker, returns the reschedule flag. */
    public boolean stop(Integer stopReason) throws IOException {
        stopped = true;
        pacer.wake();
        journal.append("stopped", Events.fields("job_id", facts.jobId, "namespace", facts.namespace,
                "stop_reason", stopReason, "reschedule", script.onStopReschedule));
        return script.onStopReschedule;
    }

    /** How long {@code onStartJob} ({@code start}) or {@code onStopJob} blocks the main thread (§7.1). */
    public long blockMs(boolean start) {
        return start ? script.blockStartMs : script.blockStopMs;
    }

    /** Called from {@code onNetworkChanged} (API 34). */
    public void networkChanged(String network) throws IOException {
        journal.append("network_changed", Events.fields("job_id", facts.jobId, "namespace", facts.namespace,
                "network", network));
    }

    /** Cumulative transferred bytes for the hidden {@code getTransferred*Bytes} callbacks; tag null = job. */
    public synchronized long transferredBytes(String tag, boolean download) {
        long[] counters = transferred.get(tag);
        return counters == null ? 0 : counters[download ? 0 : 1];
    }

    /** The worker body. Platform failures become {@code error} events; only journal I/O errors propagate. */
    public void execute() throws IOException {
        if (scriptError != null) {
            error("script", null, scriptError);
            finishQuietly();
            return;
        }
        try {
            if (Boolean.TRUE.equals(facts.userInitiated)) {
                postNotification();
            }
            for (Step step : script.steps) {
                if (stopped || !runJobStep(step)) {
                    return;
                }
            }
            finish(false, "job_finished");
        } catch (ScriptAbort e) {
            // The error event is written; the script makes no further platform calls.
        }
    }

    /** Returns false when the script has ended (stopped, finished or held until stopped). */
    private boolean runJobStep(Step step) throws IOException, ScriptAbort {
        switch (step.op) {
            case SLEEP:
                return pacer.await(step.ms);
            case TRANSFER:
                return transfer(null, step);
            case ESTIMATE:
                estimate(null, step);
                return true;
            case WORK:
                return drainWork() == WorkOutcome.CONTINUE && !stopped;
            case FINISH:
                finish(step.reschedule, "job_finished");
                return false;
            case HOLD:
                pacer.awaitStop();
                return false;
            case ABANDON:
                session.abandon();
                pacer.awaitStop();
                return false;
            default:
                throw new IllegalStateException("unhandled op " + step.op);
        }
    }

    private WorkOutcome drainWork() throws IOException, ScriptAbort {
        while (!stopped) {
            DequeuedWork work;
            try {
                work = session.dequeueWork();
            } catch (RuntimeException e) {
                throw abort("dequeue_work", e);
            }
            if (work == null) {
                if (incompleteItems == 0) {
                    writeFinished(false, "work_exhausted");
                    return WorkOutcome.ENDED;
                }
                return WorkOutcome.CONTINUE;
            }
            journal.append("work_dequeued", Events.fields("job_id", facts.jobId, "namespace", facts.namespace,
                    "tag", work.tag, "delivery_count", work.deliveryCount));
            runItem(work);
        }
        return WorkOutcome.ENDED;
    }

    private void runItem(DequeuedWork work) throws IOException, ScriptAbort {
        Script itemScript;
        try {
            itemScript = Script.fromStored(work.scriptJson, true);
        } catch (CommandError e) {
            error("script", null, e.getMessage());
            incompleteItems++;
            return;
        }
        for (Step step : itemScript.steps) {
            boolean goOn = step.op == Step.Op.ESTIMATE ? estimate(work, step)
                    : step.op == Step.Op.TRANSFER ? transfer(work, step) : pacer.await(step.ms);
            if (!goOn || stopped) {
                return;
            }
        }
        if (!itemScript.complete) {
            incompleteItems++;
            journal.append("work_incomplete", Events.fields("job_id", facts.jobId, "namespace", facts.namespace,
                    "tag", work.tag));
            return;
        }
        try {
            session.completeWork(work);
        } catch (RuntimeException e) {
            throw abort("complete_work", e);
        }
        journal.append("work_completed", Events.fields("job_id", facts.jobId, "namespace", facts.namespace,
                "tag", work.tag));
    }

    private boolean transfer(DequeuedWork work, Step step) throws IOException {
        for (long round = 1; round <= step.chunks; round++) {
            if (!pacer.await(step.ms / step.chunks) || stopped) {
                return false;
            }
            long down = share(step.down, round, step.chunks);
            long up = share(step.up, round, step.chunks);
            synchronized (this) {
                transferred.put(work == null ? null : work.tag, new long[] {down, up});
            }
            boolean platform;
            try {
                platform = session.reportTransferred(work, down, up);
            } catch (RuntimeException e) {
                error("report_bytes", e.getClass().getName(), e.getMessage());
                continue;
            }
            bytesReported(work, "transferred", down, up, platform);
        }
        return true;
    }

    /** floor(total * round / rounds) without overflow. */
    private static long share(long total, long round, long rounds) {
        return total / rounds * round + (total % rounds) * round / rounds;
    }

    private boolean estimate(DequeuedWork work, Step step) throws IOException {
        try {
            bytesReported(work, "estimated", step.down, step.up, session.reportEstimated(work, step.down, step.up));
        } catch (RuntimeException e) {
            error("report_bytes", e.getClass().getName(), e.getMessage());
        }
        return true;
    }

    private void bytesReported(DequeuedWork work, String direction, long down, long up, boolean platform)
            throws IOException {
        journal.append("bytes_reported", Events.fields("job_id", facts.jobId, "namespace", facts.namespace,
                "tag", work == null ? null : work.tag, "direction", direction, "down", down, "up", up,
                "platform", platform));
    }

    private void postNotification() throws IOException {
        try {
            session.postNotification();
        } catch (RuntimeException e) {
            error("notification", e.getClass().getName(), e.getMessage());
        }
    }

    private void finish(boolean reschedule, String via) throws IOException, ScriptAbort {
        try {
            session.jobFinished(reschedule);
        } catch (RuntimeException e) {
            throw abort("job_finished", e);
        }
        writeFinished(reschedule, via);
    }

    /** After a bad stored script: end the job without rescheduling, ignoring a failure. */
    private void finishQuietly() throws IOException {
        try {
            finish(false, "job_finished");
        } catch (ScriptAbort e) {
            // Already journalled as an error event.
        }
    }

    private void writeFinished(boolean reschedule, String via) throws IOException {
        journal.append("finished", Events.fields("job_id", facts.jobId, "namespace", facts.namespace,
                "reschedule", reschedule, "via", via));
    }

    private ScriptAbort abort(String where, RuntimeException e) throws IOException {
        error(where, e.getClass().getName(), e.getMessage());
        return new ScriptAbort();
    }

    private void error(String where, String type, String message) throws IOException {
        journal.append("error", Events.fields("job_id", facts.jobId, "namespace", facts.namespace,
                "where", where, "type", type, "message", message));
    }
}
