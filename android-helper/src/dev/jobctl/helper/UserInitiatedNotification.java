package dev.jobctl.helper;

import android.app.Notification;
import android.app.NotificationChannel;
import android.app.NotificationManager;
import android.content.Context;

/**
 * The notification a user-initiated job must attach with {@code setNotification} within
 * 10 s of {@code onStartJob}: an existing channel and a small icon are required
 * (android-helper.md §3.3, §4).
 */
final class UserInitiatedNotification {
    static final String CHANNEL_ID = "jobctl";
    static final int NOTIFICATION_ID = 1;

    private UserInitiatedNotification() {
    }

    /** NotificationChannel is API 26, the helper's minSdk. */
    static void createChannel(Context context) {
        NotificationManager manager = (NotificationManager) context.getSystemService(Context.NOTIFICATION_SERVICE);
        manager.createNotificationChannel(
                new NotificationChannel(CHANNEL_ID, "jobctl jobs", NotificationManager.IMPORTANCE_LOW));
    }

    static Notification build(Context context, int jobId) {
        return new Notification.Builder(context, CHANNEL_ID)
                .setSmallIcon(android.R.drawable.stat_sys_download)
                .setContentTitle("jobctl job " + jobId)
                .setOngoing(true)
                .build();
    }
}
