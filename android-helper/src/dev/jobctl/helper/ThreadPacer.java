package dev.jobctl.helper;

import dev.jobctl.helper.core.Pacer;

/** {@link Pacer} for a job's worker thread; {@code onStopJob} on the main thread wakes it. */
final class ThreadPacer implements Pacer {
    private boolean woken;

    @Override
    public synchronized boolean await(long ms) {
        long deadline = System.nanoTime() + ms * 1000000L;
        long left = ms;
        while (!woken && left > 0) {
            waitMs(left);
            left = (deadline - System.nanoTime()) / 1000000L;
        }
        return !woken;
    }

    @Override
    public synchronized void awaitStop() {
        while (!woken) {
            waitMs(0);
        }
    }

    @Override
    public synchronized void wake() {
        woken = true;
        notifyAll();
    }

    private void waitMs(long ms) {
        try {
            wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            woken = true;
        }
    }
}
