package dev.jobctl.helper;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import android.app.Application;
import android.app.job.JobInfo;
import android.app.job.JobScheduler;
import android.content.BroadcastReceiver;
import android.content.ComponentName;
import android.content.Context;
import android.content.Intent;
import android.content.IntentFilter;
import android.os.Build;

import dev.jobctl.helper.core.JsonReader;
import dev.jobctl.helper.core.Protocol;

import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;

/**
 * CommandReceiver receiving real ordered broadcasts (real {@code Intent}s, a real
 * {@code goAsync()} PendingResult): the answer is the broadcast's result code and data
 * (PROTOCOL.md §2.3, §2.4), seen by the final receiver as {@code am broadcast} would see it.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {26, 28, 29, 30, 31, 33, 34, 35}, manifest = Config.NONE)
public class CommandReceiverTest {
    private static final String OTHER_ACTION = "dev.jobctl.helper.OTHER";
    private final Application app = RuntimeEnvironment.getApplication();

    /** What {@code am broadcast} prints from: the final result of the ordered broadcast. */
    private static final class FinalResult extends BroadcastReceiver {
        volatile boolean done;
        volatile int code;
        volatile String data;

        @Override
        public void onReceive(Context context, Intent intent) {
            code = getResultCode();
            data = getResultData();
            done = true;
        }
    }

    @Before
    public void setUp() throws Exception {
        Framework.resetRuntime();
        IntentFilter filter = new IntentFilter(Protocol.COMMAND_ACTION);
        filter.addAction(OTHER_ACTION);
        app.registerReceiver(new CommandReceiver(), filter);
    }

    @After
    public void tearDown() throws Exception {
        Framework.resetRuntime();
    }

    private FinalResult send(Intent intent) throws InterruptedException {
        FinalResult result = new FinalResult();
        app.sendOrderedBroadcast(intent, null, result, null, 0, null, null);
        Framework.idleUntil(() -> result.done, "the broadcast's final result");
        return result;
    }

    private Intent command(String json) {
        return new Intent(Protocol.COMMAND_ACTION).putExtra("req", json);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) throws Exception {
        return (Map<String, Object>) JsonReader.parse(text);
    }

    @Test
    public void infoAnswersWithResultCode1AndTheDeviceLevel() throws Exception {
        FinalResult result = send(command("{\"v\":1,\"id\":\"h-1\",\"cmd\":\"info\"}"));
        assertEquals(1, result.code);
        Map<String, Object> response = json(result.data);
        assertEquals("h-1", response.get("id"));
        assertEquals(true, response.get("ok"));
        Map<String, Object> info = (Map<String, Object>) response.get("result");
        assertEquals(Protocol.PACKAGE, info.get("package"));
        assertEquals((long) Build.VERSION.SDK_INT, info.get("api_level"));
    }

    @Test
    public void anotherActionIsABadRequest() throws Exception {
        FinalResult result = send(new Intent(OTHER_ACTION).putExtra("req", "{\"v\":1,\"cmd\":\"info\"}"));
        assertEquals(2, result.code);
        Map<String, Object> error = (Map<String, Object>) json(result.data).get("error");
        assertEquals("bad_request", error.get("code"));
        assertEquals("unexpected action: " + OTHER_ACTION, error.get("message"));
    }

    @Test
    public void neitherReqNorReqFileIsABadRequest() throws Exception {
        FinalResult result = send(new Intent(Protocol.COMMAND_ACTION));
        assertEquals(2, result.code);
        assertEquals("bad_request", ((Map<String, Object>) json(result.data).get("error")).get("code"));
    }

    @Test
    public void scheduleBuildsARealJobInfoAndHandsItToJobScheduler() throws Exception {
        FinalResult result = send(command("{\"v\":1,\"id\":\"s\",\"cmd\":\"schedule\",\"spec\":{\"job_id\":5,"
                + "\"requires_charging\":true,\"extras\":{\"k\":\"v\"}}}"));
        assertEquals(result.data, 1, result.code);
        JobScheduler scheduler = (JobScheduler) app.getSystemService(Context.JOB_SCHEDULER_SERVICE);
        List<JobInfo> pending = scheduler.getAllPendingJobs();
        assertEquals(1, pending.size());
        assertEquals(5, pending.get(0).getId());
        assertEquals(new ComponentName(app, HelperJobService.class), pending.get(0).getService());
        assertEquals("v", pending.get(0).getExtras().getString("k"));
        assertTrue(pending.get(0).isRequireCharging());
    }

    @Test
    public void aBuilderExceptionIsRelayedWithItsTypeAndMessage() throws Exception {
        FinalResult result = send(command("{\"v\":1,\"cmd\":\"schedule\",\"spec\":{\"job_id\":6,"
                + "\"requires_device_idle\":true,\"backoff\":{\"initial_ms\":30000,\"policy\":\"linear\"}}}"));
        assertEquals(2, result.code);
        Map<String, Object> error = (Map<String, Object>) json(result.data).get("error");
        assertEquals("platform_exception", error.get("code"));
        assertEquals("java.lang.IllegalArgumentException", error.get("type"));
        assertEquals("An idle mode job will not respect any back-off policy, so calling setBackoffCriteria with "
                + "setRequiresDeviceIdle is an error.", error.get("message"));
    }
}
