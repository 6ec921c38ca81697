package dev.jobctl.helper;

import android.app.Activity;
import android.os.Build;
import android.os.Process;
import android.util.Log;

import dev.jobctl.helper.core.CommandError;
import dev.jobctl.helper.core.Protocol;

import java.io.IOException;

/**
 * The activity path for user-initiated jobs (PROTOCOL.md §2.5): they can only be scheduled
 * while the app is TOP (android-helper.md §3.2), so the command runs while this activity is
 * resumed, the reply goes to {@code files/outbox/NAME}, and the activity finishes. Guarded by
 * {@code android.permission.DUMP} in the manifest; on API 34+ a launcher that shared its identity
 * ({@code getLaunchedFromUid()}) must be the shell, root or the helper (PROTOCOL.md §2.2).
 */
public final class ScheduleActivity extends Activity {
    private boolean started;

    @Override
    protected void onResume() {
        super.onResume();
        if (started) {
            return;
        }
        started = true;
        final String request = getIntent().getStringExtra("req");
        final String requestFile = getIntent().getStringExtra("req_file");
        final String reply = getIntent().getStringExtra("reply");
        final int launcher = Build.VERSION.SDK_INT >= 34 ? getLaunchedFromUid() : Protocol.UNKNOWN_UID;
        final HelperRuntime runtime = HelperRuntime.get(this);
        runtime.commandThread().execute(new Runnable() {
            @Override
            public void run() {
                try {
                    if (reply == null) {
                        throw CommandError.badRequest("missing extra: reply");
                    }
                    runtime.inbox().writeReply(reply, runtime.commands().handleActivity(launcher, Process.myUid(),
                            request, requestFile).json);
                } catch (CommandError | IOException e) {
                    Log.w(HelperRuntime.LOG_TAG, "cannot write reply", e);
                }
                runOnUiThread(new Runnable() {
                    @Override
                    public void run() {
                        finish();
                    }
                });
            }
        });
    }
}
