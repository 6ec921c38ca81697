package dev.jobctl.helper.testing;

import dev.jobctl.helper.core.JobRun;
import dev.jobctl.helper.core.Pacer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Runs a script synchronously on the fake clock: waits advance the clock, and a stop
 * scheduled at {@code stopAtElapsedMs} is delivered ({@code onStopJob}) when a wait reaches it.
 */
final class FakePacer implements Pacer {
    private final FakeClock clock;
    private final Long stopAtElapsedMs;
    private final Integer stopReason;
    private JobRun run;
    private boolean stopDelivered;
    Boolean stopReturned;

    FakePacer(FakeClock clock, Long stopAtElapsedMs, Integer stopReason) {
        this.clock = clock;
        this.stopAtElapsedMs = stopAtElapsedMs;
        this.stopReason = stopReason;
    }

    void attach(JobRun run) {
        this.run = run;
    }

    @Override
    public boolean await(long ms) {
        if (stopDelivered) {
            return false;
        }
        if (stopAtElapsedMs != null && clock.elapsedMs() + ms >= stopAtElapsedMs) {
            deliverStop();
            return false;
        }
        clock.advance(ms);
        return true;
    }

    @Override
    public void awaitStop() {
        if (stopAtElapsedMs == null) {
            throw new IllegalStateException("script holds but the vector schedules no stop");
        }
        if (!stopDelivered) {
            deliverStop();
        }
    }

    @Override
    public void wake() {
        stopDelivered = true;
    }

    private void deliverStop() {
        clock.advance(Math.max(0, stopAtElapsedMs - clock.elapsedMs()));
        try {
            stopReturned = run.stop(stopReason);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
