package dev.jobctl.helper.core;

/** Time source for journal stamps: {@code SystemClock.elapsedRealtime()} and wall time. */
public interface Clock {
    long elapsedMs();

    long wallMs();
}
