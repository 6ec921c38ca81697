package dev.jobctl.helper.core;

/**
 * The platform calls a running job makes ({@code JobParameters} and {@code JobService}
 * methods, android-helper.md §2.5 and §2.8). Exceptions propagate to the script runner,
 * which records them as {@code error} events.
 */
public interface JobSession {
    /** {@code JobParameters.dequeueWork()}; null when no work is pending. */
    DequeuedWork dequeueWork();

    /** {@code JobParameters.completeWork(item)}. */
    void completeWork(DequeuedWork work);

    /**
     * {@code updateTransferredNetworkBytes} (API 34) for the job ({@code work == null}) or an item.
     * Returns whether the platform method exists on this level and was called.
     */
    boolean reportTransferred(DequeuedWork work, long down, long up);

    /** {@code updateEstimatedNetworkBytes} (API 34); same contract as {@link #reportTransferred}. */
    boolean reportEstimated(DequeuedWork work, long down, long up);

    /** {@code JobService.jobFinished(params, reschedule)}. */
    void jobFinished(boolean reschedule);

    /** {@code JobService.setNotification(...)} for a user-initiated job (API 34). */
    void postNotification();

    /**
     * Drops every reference to the job's {@code JobParameters} without {@code jobFinished}, so the
     * platform's cleaner reports the job abandoned (API 36, PROTOCOL.md §7.1 {@code abandon}).
     */
    void abandon();
}
