package dev.jobctl.helper.core;

/** Waiting inside a script; a stop wakes every wait. */
public interface Pacer {
    /** Waits {@code ms}; returns false if the job was stopped before or during the wait. */
    boolean await(long ms);

    /** Waits until the job is stopped ({@code hold}). */
    void awaitStop();

    /** Wakes all waits; called once when {@code onStopJob} arrives. */
    void wake();
}
