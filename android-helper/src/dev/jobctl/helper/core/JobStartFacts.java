package dev.jobctl.helper.core;

import java.util.List;

/**
 * What {@code onStartJob}'s {@code JobParameters} say (android-helper.md §2.5); a
 * {@code null} field means the getter does not exist on the device's level.
 */
public final class JobStartFacts {
    public final int jobId;
    public final String namespace;
    public final Boolean expedited;
    public final Boolean userInitiated;
    public final String network;
    public final List<String> triggeredUris;
    public final List<String> triggeredAuthorities;
    public final boolean overrideDeadlineExpired;
    /** The JOB-SCRIPT JSON from the extras key {@link JobSpec#SCRIPT_EXTRA}, or null. */
    public final String scriptJson;

    public JobStartFacts(int jobId, String namespace, Boolean expedited, Boolean userInitiated, String network,
            List<String> triggeredUris, List<String> triggeredAuthorities, boolean overrideDeadlineExpired,
            String scriptJson) {
        this.jobId = jobId;
        this.namespace = namespace;
        this.expedited = expedited;
        this.userInitiated = userInitiated;
        this.network = network;
        this.triggeredUris = triggeredUris;
        this.triggeredAuthorities = triggeredAuthorities;
        this.overrideDeadlineExpired = overrideDeadlineExpired;
        this.scriptJson = scriptJson;
    }
}
