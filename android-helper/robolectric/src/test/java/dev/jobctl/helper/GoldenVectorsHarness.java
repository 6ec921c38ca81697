package dev.jobctl.helper;

import android.app.job.JobInfo;
import android.content.ContextWrapper;
import android.content.Intent;
import android.net.Uri;
import android.os.Build;
import android.os.PersistableBundle;
import android.util.TimeUtils;

import dev.jobctl.helper.core.CommandError;
import dev.jobctl.helper.core.Fields;
import dev.jobctl.helper.core.JobSpec;
import dev.jobctl.helper.core.JsonReader;
import dev.jobctl.helper.core.JsonWriter;
import dev.jobctl.helper.core.Protocol;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;

/**
 * Golden-vector harness (issue 12), run by android-helper/robolectric/generate_vectors.py, not by
 * CI: for every SPEC in {@code golden.specs} and the framework of this API level, what the
 * helper's own path does (JobSpec.parse → checkApiLevel → JobInfoFactory.build → the real
 * {@code JobInfo.Builder.build()}), plus the framework text forms the virtual device's dump
 * prints. Writes {@code golden.out}/api-LEVEL.json.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {26, 28, 29, 30, 31, 33, 34, 35}, manifest = Config.NONE)
public class GoldenVectorsHarness {
    /** The helper's targetSdk (PROTOCOL.md §1): compat changes enabled after 34 stay off. */
    static final int HELPER_TARGET_SDK = 34;
    /** JobInfo's @ChangeId fields that are @EnabledAfter(UPSIDE_DOWN_CAKE), i.e. targetSdk >= 35 only. */
    static final String[] TARGET_35_CHANGES = {"ENFORCE_MINIMUM_TIME_WINDOWS", "REJECT_NEGATIVE_DELAYS_AND_DEADLINES"};

    static final long[] DURATIONS = {0, 1, -1, 7, 999, 1000, 1001, -1000, 59_999, 60_000, 61_001, 3_599_999,
        3_600_000, 3_661_001, 86_399_999, 86_400_000, 90_061_001, -90_061_001, 900_000, 1_800_000, 18_000_000,
        2_147_483_647L, 100L * 86_400_000, 1_234_567_890_123L, -1_234_567_890_123L, 30_000, 10_000, 604_800_000};

    @Test
    public void writeVectors() throws Exception {
        String specsPath = System.getProperty("golden.specs");
        Path out = Paths.get(System.getProperty("golden.out"));
        Files.createDirectories(out);
        Map<?, ?> input = (Map<?, ?>) JsonReader.parse(new String(Files.readAllBytes(Paths.get(specsPath)),
                StandardCharsets.UTF_8));
        List<Object> specs = asList(input.get("specs"));
        int level = Build.VERSION.SDK_INT;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("api_level", (long) level);
        doc.put("fingerprint", Build.FINGERPRINT);
        doc.put("build", outcomes(specs, HELPER_TARGET_SDK));
        if (level >= 35) {
            doc.put("build_target_35", outcomes(specs, 35));
        }
        doc.put("format_duration", durations(0));
        doc.put("format_duration_19", durations(19));
        doc.put("bundles", bundles(specs));
        doc.put("intents", intents());
        if (level >= 28) {
            doc.put("network_requests", networkRequests(specs));
        }
        Files.write(out.resolve("api-" + level + ".json"), JsonWriter.write(doc).getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value) {
        return (List<Object>) value;
    }

    /** The helper's package, so ComponentName-bearing messages read as on a phone. */
    private static ContextWrapper helperContext() {
        return new ContextWrapper(RuntimeEnvironment.getApplication()) {
            @Override
            public String getPackageName() {
                return Protocol.PACKAGE;
            }
        };
    }

    private static List<Object> outcomes(List<Object> specs, int targetSdk) throws Exception {
        List<Object> results = new ArrayList<>();
        Object delegate = installTargetSdk(targetSdk);
        try {
            for (Object spec : specs) {
                results.add(outcome(spec));
            }
        } finally {
            if (delegate != null) {
                Class.forName("android.compat.Compatibility").getMethod("clearBehaviorChangeDelegate").invoke(null);
            }
        }
        return results;
    }

    /** "ok", or [code, message] for a helper error, or [exception class, message] from the framework. */
    private static Object outcome(Object json) {
        JobSpec spec;
        try {
            spec = JobSpec.parse(Fields.of(json, "spec"));
            spec.checkApiLevel(Build.VERSION.SDK_INT);
        } catch (CommandError e) {
            return pair(e.code(), e.getMessage());
        }
        try {
            JobInfoFactory.build(helperContext(), spec);
            return "ok";
        } catch (RuntimeException e) {
            return pair(e.getClass().getName(), e.getMessage());
        }
    }

    private static List<Object> pair(String a, String b) {
        List<Object> p = new ArrayList<>();
        p.add(a);
        p.add(b);
        return p;
    }

    /**
     * Robolectric enables every compat change whatever the app's targetSdk (ShadowCompatibility
     * falls through to Compatibility's default delegate). To see what a targetSdk-34 app gets on
     * API 35, install a delegate that turns off JobInfo's changes enabled after 34.
     */
    private static Object installTargetSdk(int targetSdk) throws Exception {
        if (Build.VERSION.SDK_INT < 35 || targetSdk >= 35) {
            return null;
        }
        final Set<Long> disabled = new HashSet<>();
        for (String name : TARGET_35_CHANGES) {
            java.lang.reflect.Field f = JobInfo.class.getDeclaredField(name);
            f.setAccessible(true);
            disabled.add(f.getLong(null));
        }
        Class<?> compat = Class.forName("android.compat.Compatibility");
        Class<?> delegateType = Class.forName("android.compat.Compatibility$BehaviorChangeDelegate");
        Object delegate = Proxy.newProxyInstance(delegateType.getClassLoader(), new Class<?>[] {delegateType},
                (proxy, method, args) -> {
                    if (method.getName().equals("isChangeEnabled")) {
                        return !disabled.contains((Long) args[0]);
                    }
                    if (method.getReturnType() == boolean.class) {
                        return false;
                    }
                    return null;
                });
        compat.getMethod("setBehaviorChangeDelegate", delegateType).invoke(null, delegate);
        return delegate;
    }

    /** TimeUtils.formatDuration(long, StringBuilder) and (long, PrintWriter, fieldLen). */
    private static List<Object> durations(int fieldLen) throws Exception {
        List<Object> out = new ArrayList<>();
        for (long ms : DURATIONS) {
            String text;
            if (fieldLen == 0) {
                StringBuilder b = new StringBuilder();
                TimeUtils.formatDuration(ms, b);
                text = b.toString();
            } else {
                StringWriter w = new StringWriter();
                PrintWriter pw = new PrintWriter(w);
                Method m = TimeUtils.class.getMethod("formatDuration", long.class, PrintWriter.class, int.class);
                m.invoke(null, ms, pw, fieldLen);
                pw.flush();
                text = w.toString();
            }
            out.add(pair(Long.toString(ms), text));
        }
        return out;
    }

    /**
     * The extras PersistableBundle JobInfoFactory builds for each spec that has extras, as
     * JobStatus.dump prints an unparcelled one (toShortString) and as toString prints it.
     */
    private static List<Object> bundles(List<Object> specs) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            JobSpec spec;
            try {
                spec = JobSpec.parse(Fields.of(specs.get(i), "spec"));
            } catch (CommandError e) {
                continue;
            }
            if (spec.extras.isEmpty()) {
                continue;
            }
            PersistableBundle extras = new PersistableBundle();
            for (Map.Entry<String, Object> entry : spec.extras.entrySet()) {
                Object value = entry.getValue();
                if (value instanceof String) {
                    extras.putString(entry.getKey(), (String) value);
                } else if (value instanceof Long) {
                    extras.putLong(entry.getKey(), (Long) value);
                } else if (value instanceof Boolean) {
                    extras.putBoolean(entry.getKey(), (Boolean) value);
                } else {
                    extras.putDouble(entry.getKey(), (Double) value);
                }
            }
            List<Object> row = new ArrayList<>();
            row.add((long) i);
            row.add(extras.toShortString());
            row.add(extras.toString());
            out.add(row);
        }
        return out;
    }

    /** Intent.toString for the work-item intents the helper builds below API 34 (and a few more shapes). */
    private static List<Object> intents() {
        List<Object> out = new ArrayList<>();
        Intent workItem = new Intent();
        workItem.putExtra("jobctl.tag", "t");
        workItem.putExtra("jobctl.script", "{}");
        out.add(workItem.toString());
        out.add(new Intent().toString());
        out.add(new Intent("a.b.ACTION").toString());
        out.add(new Intent("a.b.ACTION", Uri.parse("content://x/y")).toString());
        out.add(new Intent().setClassName("dev.jobctl.helper", "dev.jobctl.helper.CommandReceiver").toString());
        out.add(new Intent("a.b.ACTION").setClassName("p.q", "r.s.T").putExtra("k", 1).toString());
        return out;
    }

    /** JobInfo.getRequiredNetwork().toString() of each buildable spec with a network (client side). */
    private static List<Object> networkRequests(List<Object> specs) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            try {
                JobSpec spec = JobSpec.parse(Fields.of(specs.get(i), "spec"));
                spec.checkApiLevel(Build.VERSION.SDK_INT);
                JobInfo info = JobInfoFactory.build(helperContext(), spec);
                if (info.getRequiredNetwork() != null) {
                    List<Object> row = new ArrayList<>();
                    row.add((long) i);
                    row.add(info.getRequiredNetwork().toString());
                    out.add(row);
                }
            } catch (CommandError | RuntimeException e) {
                // not buildable here: no text form
            }
        }
        return out;
    }
}
