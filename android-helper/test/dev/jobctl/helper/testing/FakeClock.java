package dev.jobctl.helper.testing;

import dev.jobctl.helper.core.Clock;

/** A clock that moves only when told; elapsed and wall time advance together. */
public final class FakeClock implements Clock {
    private long elapsedMs;
    private long wallMs;

    public FakeClock(long elapsedMs, long wallMs) {
        this.elapsedMs = elapsedMs;
        this.wallMs = wallMs;
    }

    public void advance(long ms) {
        elapsedMs += ms;
        wallMs += ms;
    }

    @Override
    public long elapsedMs() {
        return elapsedMs;
    }

    @Override
    public long wallMs() {
        return wallMs;
    }
}
