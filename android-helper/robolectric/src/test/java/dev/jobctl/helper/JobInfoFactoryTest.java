package dev.jobctl.helper;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import android.app.Application;
import android.app.job.JobInfo;
import android.content.ComponentName;
import android.os.Build;
import android.os.PersistableBundle;

import dev.jobctl.helper.core.JobSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.TreeSet;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;

/**
 * JobInfoFactory against the real {@code JobInfo.Builder} of each level: the real setters, the
 * real {@code build()} validation and its messages (JobInfo.java, apex/jobscheduler/framework).
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {26, 28, 29, 30, 31, 33, 34, 35}, manifest = Config.NONE)
public class JobInfoFactoryTest {
    private final Application app = RuntimeEnvironment.getApplication();

    private JobInfo build(String specJson) throws Exception {
        return JobInfoFactory.build(app, Framework.spec(specJson));
    }

    private void assertRejected(String specJson, String message) throws Exception {
        try {
            build(specJson);
            fail("build() accepted " + specJson);
        } catch (IllegalArgumentException e) {
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    public void everyLevel26FieldReachesTheRealJobInfo() throws Exception {
        JobInfo info = build("{\"job_id\":7,\"network_type\":\"unmetered\",\"requires_charging\":true,"
                + "\"requires_battery_not_low\":true,\"requires_storage_not_low\":true,\"min_latency_ms\":1000,"
                + "\"override_deadline_ms\":3600000,\"backoff\":{\"initial_ms\":20000,\"policy\":\"linear\"},"
                + "\"extras\":{\"s\":\"x\",\"n\":5,\"b\":true,\"d\":1.5},\"transient_extras\":{\"t\":\"y\"},"
                + "\"trigger_content_update_delay_ms\":10,\"trigger_content_max_delay_ms\":20}");
        assertEquals(7, info.getId());
        assertEquals(new ComponentName(app, HelperJobService.class), info.getService());
        assertEquals(JobInfo.NETWORK_TYPE_UNMETERED, info.getNetworkType());
        assertTrue(info.isRequireCharging());
        assertTrue(info.isRequireBatteryNotLow());
        assertTrue(info.isRequireStorageNotLow());
        assertFalse(info.isRequireDeviceIdle());
        assertEquals(1000, info.getMinLatencyMillis());
        assertEquals(3600000, info.getMaxExecutionDelayMillis());
        assertEquals(20000, info.getInitialBackoffMillis());
        assertEquals(JobInfo.BACKOFF_POLICY_LINEAR, info.getBackoffPolicy());
        assertEquals(10, info.getTriggerContentUpdateDelay());
        assertEquals(20, info.getTriggerContentMaxDelay());
        PersistableBundle extras = info.getExtras();
        assertEquals("x", extras.getString("s"));
        assertEquals(5L, extras.getLong("n"));
        assertTrue(extras.getBoolean("b"));
        assertEquals(1.5, extras.getDouble("d"), 0.0);
        assertTrue(extras.getString(JobSpec.SCRIPT_EXTRA).startsWith("{\"steps\":"));
        assertEquals("y", info.getTransientExtras().getString("t"));
    }

    @Test
    public void periodicAndBackoffAreClampedByTheBuilder() throws Exception {
        JobInfo info = build("{\"job_id\":1,\"periodic\":{\"interval_ms\":60000,\"flex_ms\":1000},"
                + "\"backoff\":{\"initial_ms\":1,\"policy\":\"exponential\"}}");
        assertTrue(info.isPeriodic());
        assertEquals(15 * 60 * 1000, info.getIntervalMillis());
        assertEquals(5 * 60 * 1000, info.getFlexMillis());
        assertEquals(10_000, info.getInitialBackoffMillis());
        assertEquals(JobInfo.BACKOFF_POLICY_EXPONENTIAL, info.getBackoffPolicy());
    }

    @Test
    public void aJobWithoutConstraintsIsRefusedUpToApi28() throws Exception {
        if (Build.VERSION.SDK_INT <= 28) {
            assertRejected("{\"job_id\":1}", "You're trying to build a job with no constraints, this is not allowed.");
        } else {
            assertEquals(1, build("{\"job_id\":1}").getId());
        }
    }

    @Test
    public void backoffWithDeviceIdleIsRefused() throws Exception {
        assertRejected("{\"job_id\":1,\"requires_device_idle\":true,\"backoff\":{\"initial_ms\":30000,"
                + "\"policy\":\"linear\"}}", "An idle mode job will not respect any back-off policy, so calling "
                + "setBackoffCriteria with setRequiresDeviceIdle is an error.");
    }

    @Test
    public void persistedTriggerJobIsRefused() throws Exception {
        assertRejected("{\"job_id\":1,\"persisted\":true,\"trigger_content_uris\":[{\"uri\":\"content://media\","
                + "\"descendants\":true}]}", "Can't call addTriggerContentUri() on a persisted job");
    }

    @Test
    public void networkRequestAndEstimatesFromApi28() throws Exception {
        assumeTrue(Build.VERSION.SDK_INT >= 28);
        JobInfo info = build("{\"job_id\":2,\"network_request\":{\"capabilities\":[12,11],\"transports\":[1]},"
                + "\"estimated_bytes\":{\"down\":1000,\"up\":10},\"prefetch\":true,"
                + "\"important_while_foreground\":false}");
        assertTrue(info.getRequiredNetwork().hasCapability(12));
        assertTrue(info.getRequiredNetwork().hasCapability(11));
        assertTrue(info.getRequiredNetwork().hasTransport(1));
        assertEquals(1000, info.getEstimatedNetworkDownloadBytes());
        assertEquals(10, info.getEstimatedNetworkUploadBytes());
        assertTrue(info.isPrefetch());
        assertRejected("{\"job_id\":2,\"estimated_bytes\":{\"down\":1000,\"up\":10},\"requires_charging\":true}",
                "Can't provide estimated network usage without requiring a network");
    }

    @Test
    public void expeditedRulesFromApi31() throws Exception {
        assumeTrue(Build.VERSION.SDK_INT >= 31);
        JobInfo info = build("{\"job_id\":3,\"expedited\":true,\"network_type\":\"any\"}");
        assertTrue(info.isExpedited());
        assertRejected("{\"job_id\":3,\"expedited\":true,\"min_latency_ms\":5}",
                "An expedited job cannot have a time delay");
        assertRejected("{\"job_id\":3,\"expedited\":true,\"requires_charging\":true}",
                "An expedited job can only have network and storage-not-low constraints");
    }

    @Test
    public void priorityRulesFromApi33() throws Exception {
        assumeTrue(Build.VERSION.SDK_INT >= 33);
        assertEquals(JobInfo.PRIORITY_LOW, build("{\"job_id\":4,\"priority\":\"low\"}").getPriority());
        assertRejected("{\"job_id\":4,\"priority\":\"high\",\"periodic\":{\"interval_ms\":900000}}",
                "Periodic jobs cannot be high priority");
        // API 33's message predates user-initiated jobs (34).
        assertRejected("{\"job_id\":4,\"priority\":\"max\"}", Build.VERSION.SDK_INT >= 34
                ? "Only expedited or user-initiated jobs can have max priority"
                : "Only expedited jobs can have max priority");
    }

    @Test
    public void userInitiatedRulesFromApi34() throws Exception {
        assumeTrue(Build.VERSION.SDK_INT >= 34);
        assertTrue(build("{\"job_id\":5,\"user_initiated\":true,\"network_type\":\"any\"}").isUserInitiated());
        assertRejected("{\"job_id\":5,\"user_initiated\":true}",
                "A user-initiated data transfer job must specify a valid network type");
    }

    @Test
    public void debugAndTraceTagsFromApi35() throws Exception {
        assumeTrue(Build.VERSION.SDK_INT >= 35);
        JobInfo info = build("{\"job_id\":6,\"debug_tags\":[\"a\",\"b\"],\"trace_tag\":\"t\"}");
        assertEquals(Arrays.asList("a", "b"), new ArrayList<>(new TreeSet<>(info.getDebugTags())));
        assertEquals("t", info.getTraceTag());
        assertRejected("{\"job_id\":6,\"trace_tag\":\"a|b\"}", "Trace tag cannot contain |, \\n, or \\0");
    }
}
