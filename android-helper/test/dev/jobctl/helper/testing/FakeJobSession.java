package dev.jobctl.helper.testing;

import dev.jobctl.helper.core.DequeuedWork;
import dev.jobctl.helper.core.JobSession;

import java.util.ArrayList;
import java.util.List;

/** A running job's view of the fake scheduler's work queue (tests/contract/README.md). */
final class FakeJobSession implements JobSession {
    private final FakeScheduler.Job job;
    private final int apiLevel;
    private final List<FakeScheduler.Item> active = new ArrayList<FakeScheduler.Item>();
    Boolean finishedWithReschedule;
    /** The script dropped its JobParameters ({@code abandon}); the fake platform only records it. */
    boolean abandoned;

    FakeJobSession(FakeScheduler.Job job, int apiLevel) {
        this.job = job;
        this.apiLevel = apiLevel;
    }

    @Override
    public DequeuedWork dequeueWork() {
        FakeScheduler.Item item = job.queue.pollFirst();
        if (item == null) {
            return null;
        }
        item.deliveryCount++;
        active.add(item);
        return new DequeuedWork(item.spec.tag, item.deliveryCount, item.spec.script.toItemJson(), item);
    }

    @Override
    public void completeWork(DequeuedWork work) {
        if (!active.remove(work.platformItem)) {
            throw new IllegalArgumentException("Given work is not active: " + work.tag);
        }
    }

    @Override
    public boolean reportTransferred(DequeuedWork work, long down, long up) {
        return apiLevel >= 34;
    }

    @Override
    public boolean reportEstimated(DequeuedWork work, long down, long up) {
        return apiLevel >= 34;
    }

    @Override
    public void jobFinished(boolean reschedule) {
        finishedWithReschedule = reschedule;
    }

    @Override
    public void postNotification() {
        // The fake platform accepts every notification.
    }

    /** Items left active when the run ends are redelivered first, in dequeue order. */
    void endRun() {
        for (int i = active.size() - 1; i >= 0; i--) {
            job.queue.addFirst(active.get(i));
        }
        active.clear();
    }

    @Override
    public void abandon() {
        abandoned = true;
    }
}
