package dev.jobctl.helper;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import android.app.Notification;
import android.app.job.IJobService;
import android.app.job.JobParameters;
import android.app.job.JobService;
import android.app.job.JobWorkItem;
import android.content.Intent;
import android.os.Build;
import android.os.PersistableBundle;

import dev.jobctl.helper.core.Fields;
import dev.jobctl.helper.core.JobSpec;
import dev.jobctl.helper.core.JsonReader;
import dev.jobctl.helper.core.WorkItemSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.annotation.Config;

/**
 * HelperJobService driven the way the system drives it: through the {@code IJobService} binder
 * of the real {@code JobServiceEngine}, with a real {@code JobParameters} whose callback is
 * {@link FakeJobCallback}. dequeueWork/completeWork go straight to the callback binder;
 * jobFinished, setNotification and the byte reports go through JobService → JobServiceEngine's
 * main-thread handler → callback (JobServiceEngine.java), as on a phone. Expectations are
 * PROTOCOL.md §7.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {26, 28, 29, 30, 31, 33, 34, 35}, manifest = Config.NONE, shadows = RealJobServiceShadow.class)
public class HelperJobServiceTest {
    private static final int JOB_ID = 42;
    private static final int STOP_REASON_CANCELLED_BY_APP = 1;

    private HelperJobService service;
    private IJobService engine;
    private FakeJobCallback callback;

    @Before
    public void setUp() throws Exception {
        Framework.resetRuntime();
        service = Robolectric.buildService(HelperJobService.class).create().get();
        engine = IJobService.Stub.asInterface(service.onBind(new Intent()));
        callback = new FakeJobCallback();
    }

    @After
    public void tearDown() throws Exception {
        Framework.resetRuntime();
    }

    private JobParameters start(String jobScript, boolean userInitiated) throws Exception {
        PersistableBundle extras = new PersistableBundle();
        if (jobScript != null) {
            extras.putString(JobSpec.SCRIPT_EXTRA, jobScript);
        }
        JobParameters params = Framework.jobParameters(callback.asBinder(), null, JOB_ID, extras, false,
                userInitiated, null, null);
        int acks = count("ackStart");
        engine.startJob(params);
        Framework.idleUntil(() -> count("ackStart") > acks, "acknowledgeStartMessage");
        return params;
    }

    private int count(String prefix) {
        int n = 0;
        for (String call : callback.calls()) {
            if (call.startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }

    private void enqueue(String itemJson) throws Exception {
        WorkItemSpec spec = WorkItemSpec.parse(Fields.of(JsonReader.parse(itemJson), "items[0]"),
                Build.VERSION.SDK_INT);
        JobWorkItem item = WorkItems.build(spec);
        callback.enqueue(item);
    }

    private List<Map<String, Object>> journal(String kind) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> event : HelperRuntime.get(service).journal().read(0, 10000).events) {
            if (kind.equals(event.get("kind"))) {
                out.add(event);
            }
        }
        return out;
    }

    private void awaitJournal(String kind, int n) throws InterruptedException {
        Framework.idleUntil(() -> {
            try {
                return journal(kind).size() >= n;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, n + " " + kind + " events");
    }

    @Test
    public void workIsDequeuedCompletedAndExhaustedThroughTheCallback() throws Exception {
        enqueue("{\"tag\":\"a\"}");
        enqueue("{\"tag\":\"b\"}");
        start(null, false);
        awaitJournal("finished", 1);
        // The worker thread may dequeue before the engine acknowledges the start: compare the rest in order.
        assertTrue(callback.calls().contains("ackStart 42 ongoing=true"));
        List<String> work = new ArrayList<>(callback.calls());
        work.removeIf(call -> call.startsWith("ack"));
        assertEquals(List.of("dequeue 42 #1 x1", "complete 42 #1 true", "dequeue 42 #2 x1", "complete 42 #2 true",
                "dequeue 42 null"), work);
        assertEquals("work_exhausted", journal("finished").get(0).get("via"));
        assertEquals("a", journal("work_dequeued").get(0).get("tag"));
        assertEquals(2, journal("work_completed").size());
        assertFalse("a work-exhausted end does not call jobFinished", callback.saw("finished"));
    }

    @Test
    public void finishStepCallsJobFinishedThroughTheEngine() throws Exception {
        start("{\"steps\":[{\"op\":\"finish\",\"reschedule\":true}]}", false);
        Framework.idleUntil(() -> callback.saw("finished"), "jobFinished");
        assertTrue(callback.calls().contains("finished 42 reschedule=true"));
        assertEquals("job_finished", journal("finished").get(0).get("via"));
    }

    @Test
    public void byteReportsReachTheSchedulerFromApi34() throws Exception {
        enqueue("{\"tag\":\"t\",\"script\":{\"steps\":[{\"op\":\"transfer\",\"down\":8,\"up\":4,\"chunks\":2}]}}");
        start("{\"steps\":[{\"op\":\"estimate\",\"down\":1000,\"up\":100},"
                + "{\"op\":\"transfer\",\"down\":100,\"up\":10,\"chunks\":2},{\"op\":\"work\"},"
                + "{\"op\":\"finish\",\"reschedule\":false}]}", false);
        awaitJournal("finished", 1);
        if (Build.VERSION.SDK_INT >= 34) {
            // The last report reaches the scheduler through the main looper, which may run after the
            // journal's "finished" line was written: wait for it with the same deadline.
            Framework.idleUntil(() -> byteReports().size() >= 5, "five byte reports");
            assertEquals(List.of("estimated 42 1000/100", "transferred 42 50/5", "transferred 42 100/10",
                    "transferred 42 #1 4/2", "transferred 42 #1 8/4"), byteReports());
        } else {
            assertEquals(List.of(), byteReports());
        }
    }

    private List<String> byteReports() {
        List<String> reports = new ArrayList<>();
        for (String call : callback.calls()) {
            if (call.startsWith("estimated") || call.startsWith("transferred")) {
                reports.add(call);
            }
        }
        return reports;
    }

    @Test
    public void hiddenTransferredBytesCallbacksAnswerWhatTheScriptReported() throws Exception {
        assumeTrue(Build.VERSION.SDK_INT >= 34);
        JobParameters params = start("{\"steps\":[{\"op\":\"transfer\",\"down\":300,\"up\":30},{\"op\":\"hold\"}]}",
                false);
        Framework.idleUntil(() -> callback.saw("transferred"), "transfer report");
        engine.getTransferredDownloadBytes(params, null);
        engine.getTransferredUploadBytes(params, null);
        Framework.idleUntil(() -> callback.saw("ackUpload"), "transferred-bytes answers");
        assertTrue(callback.calls().toString(), callback.calls().contains("ackDownload 42 -1 300"));
        assertTrue(callback.calls().toString(), callback.calls().contains("ackUpload 42 -1 30"));
    }

    @Test
    public void aStopEndsTheScriptAndAnswersOnStopReschedule() throws Exception {
        JobParameters params = start("{\"steps\":[{\"op\":\"hold\"},{\"op\":\"finish\",\"reschedule\":false}],"
                + "\"on_stop_reschedule\":true}", false);
        Framework.setStopReason(params, STOP_REASON_CANCELLED_BY_APP);
        engine.stopJob(params);
        Framework.idleUntil(() -> callback.saw("ackStop"), "acknowledgeStopMessage");
        assertTrue(callback.calls().contains("ackStop 42 reschedule=true"));
        Map<String, Object> stopped = journal("stopped").get(0);
        assertEquals(true, stopped.get("reschedule"));
        if (Build.VERSION.SDK_INT >= 31) {
            assertEquals((long) STOP_REASON_CANCELLED_BY_APP, stopped.get("stop_reason"));
        } else {
            assertNull(stopped.get("stop_reason"));
        }
        Thread.sleep(100);
        Framework.idleUntil(() -> true, "idle");
        assertFalse("no platform call after a stop", callback.saw("finished"));
        assertTrue(journal("finished").isEmpty());
    }

    @Test
    public void incompleteWorkIsRedeliveredWithAHigherDeliveryCount() throws Exception {
        enqueue("{\"tag\":\"r\",\"script\":{\"steps\":[],\"complete\":false}}");
        start(null, false);
        Framework.idleUntil(() -> callback.saw("finished"), "jobFinished after incomplete work");
        assertEquals(1, journal("work_incomplete").size());
        assertTrue(callback.calls().contains("finished 42 reschedule=false"));
        // The platform puts the executing item back and runs the job again (JobStatus.stopTrackingJobLocked).
        callback.requeueExecuting();
        int finishedBefore = journal("finished").size();
        HelperRuntime.get(service).journal().clear();
        start("{\"steps\":[{\"op\":\"work\"}]}", false);
        awaitJournal("finished", 1);
        Map<String, Object> redelivered = journal("work_dequeued").get(0);
        assertEquals("r", redelivered.get("tag"));
        assertEquals(2L, redelivered.get("delivery_count"));
        assertTrue(callback.calls().contains("dequeue 42 #1 x2"));
        assertEquals(1, finishedBefore);
    }

    @Test
    public void userInitiatedJobPostsItsNotificationThroughTheEngine() throws Exception {
        assumeTrue(Build.VERSION.SDK_INT >= 34);
        start("{\"steps\":[{\"op\":\"finish\",\"reschedule\":false}]}", true);
        Framework.idleUntil(() -> callback.saw("finished"), "jobFinished");
        assertTrue(callback.calls().toString(), callback.calls().contains("notification 42 id="
                + UserInitiatedNotification.NOTIFICATION_ID + " policy=" + JobService.JOB_END_NOTIFICATION_POLICY_REMOVE));
        Notification notification = callback.lastNotification;
        assertEquals("jobctl", notification.getChannelId());
        assertEquals(android.R.drawable.stat_sys_download, notification.getSmallIcon().getResId());
    }
}
