package dev.jobctl.helper;

import android.content.BroadcastReceiver;
import android.content.Context;
import android.content.Intent;
import android.os.Build;
import android.os.Process;

import dev.jobctl.helper.core.CommandHandler;
import dev.jobctl.helper.core.Protocol;

/**
 * The command channel (PROTOCOL.md §2): an explicit, ordered {@code am broadcast} to this
 * manifest receiver (manifest receivers are not deferred for cached apps on Android 14,
 * aosp-shell-interface.md §7.3). Guarded by {@code android.permission.DUMP} in the manifest.
 * The answer is the broadcast result: code 1/2 and the response JSON as result data.
 */
public final class CommandReceiver extends BroadcastReceiver {
    @Override
    public void onReceive(Context context, final Intent intent) {
        final PendingResult result = goAsync();
        final int sender = Build.VERSION.SDK_INT >= 34 ? getSentFromUid() : Protocol.UNKNOWN_UID;
        final Context app = context.getApplicationContext();
        try {
            final HelperRuntime runtime = HelperRuntime.get(app);
            runtime.commandThread().execute(new Runnable() {
                @Override
                public void run() {
                    CommandHandler.Response response;
                    try {
                        response = runtime.commands().handleBroadcast(intent.getAction(), sender, Process.myUid(),
                                intent.getStringExtra("req"), intent.getStringExtra("req_file"));
                    } catch (Throwable e) {
                        response = CommandHandler.internalFailure(e);
                    }
                    answer(result, response);
                }
            });
        } catch (Throwable e) {
            answer(result, CommandHandler.internalFailure(e));
        }
    }

    private static void answer(PendingResult result, CommandHandler.Response response) {
        result.setResult(response.resultCode(), response.json, null);
        result.finish();
    }
}
