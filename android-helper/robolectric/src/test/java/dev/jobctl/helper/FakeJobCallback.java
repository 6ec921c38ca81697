package dev.jobctl.helper;

import android.app.Notification;
import android.app.job.IJobCallback;
import android.app.job.JobWorkItem;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler side of a running job, as a plain JVM object: the {@code IJobCallback} binder
 * that {@code JobParameters.getCallback()} and {@code JobServiceEngine} talk to. It keeps the
 * job's work queue the way {@code JobStatus} does (frameworks/base apex/jobscheduler/service
 * .../job/controllers/JobStatus.java: {@code dequeueWorkLocked} assigns the work id and bumps
 * the delivery count, {@code completeWorkLocked} drops the item, {@code stopTrackingJobLocked}
 * puts executing work back at the head of the pending queue) and records every call in order.
 */
final class FakeJobCallback extends IJobCallback.Stub {
    private final List<String> calls = new ArrayList<>();
    private final Deque<JobWorkItem> pending = new ArrayDeque<>();
    private final Map<Integer, JobWorkItem> executing = new LinkedHashMap<>();
    private int nextWorkId = 1;
    Notification lastNotification;

    synchronized void enqueue(JobWorkItem item) {
        pending.addLast(item);
    }

    /** A stopped or finished job's executing work goes back to pending (redelivery). */
    synchronized void requeueExecuting() {
        List<JobWorkItem> items = new ArrayList<>(executing.values());
        for (int i = items.size() - 1; i >= 0; i--) {
            pending.addFirst(items.get(i));
        }
        executing.clear();
    }

    synchronized List<String> calls() {
        return new ArrayList<>(calls);
    }

    synchronized boolean saw(String prefix) {
        for (String call : calls) {
            if (call.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    private synchronized void record(String call) {
        calls.add(call);
    }

    @Override
    public void acknowledgeStartMessage(int jobId, boolean ongoing) {
        record("ackStart " + jobId + " ongoing=" + ongoing);
    }

    @Override
    public void acknowledgeStopMessage(int jobId, boolean reschedule) {
        record("ackStop " + jobId + " reschedule=" + reschedule);
    }

    @Override
    public synchronized JobWorkItem dequeueWork(int jobId) {
        JobWorkItem item = pending.pollFirst();
        if (item == null) {
            record("dequeue " + jobId + " null");
            return null;
        }
        if (item.getWorkId() == 0) {
            item.setWorkId(nextWorkId++);
        }
        item.bumpDeliveryCount();
        executing.put(item.getWorkId(), item);
        record("dequeue " + jobId + " #" + item.getWorkId() + " x" + item.getDeliveryCount());
        return item;
    }

    @Override
    public synchronized boolean completeWork(int jobId, int workId) {
        boolean known = executing.remove(workId) != null;
        record("complete " + jobId + " #" + workId + " " + known);
        return known;
    }

    @Override
    public void jobFinished(int jobId, boolean reschedule) {
        record("finished " + jobId + " reschedule=" + reschedule);
    }

    @Override
    public void updateEstimatedNetworkBytes(int jobId, JobWorkItem item, long down, long up) {
        record("estimated " + jobId + (item == null ? "" : " #" + item.getWorkId()) + " " + down + "/" + up);
    }

    @Override
    public void updateTransferredNetworkBytes(int jobId, JobWorkItem item, long down, long up) {
        record("transferred " + jobId + (item == null ? "" : " #" + item.getWorkId()) + " " + down + "/" + up);
    }

    @Override
    public void setNotification(int jobId, int notificationId, Notification notification, int policy) {
        synchronized (this) {
            lastNotification = notification;
        }
        record("notification " + jobId + " id=" + notificationId + " policy=" + policy);
    }

    @Override
    public void acknowledgeGetTransferredDownloadBytesMessage(int jobId, int workId, long bytes) {
        record("ackDownload " + jobId + " " + workId + " " + bytes);
    }

    @Override
    public void acknowledgeGetTransferredUploadBytesMessage(int jobId, int workId, long bytes) {
        record("ackUpload " + jobId + " " + workId + " " + bytes);
    }
}
