package dev.jobctl.helper.core;

/** A work item returned by {@code dequeueWork()}, with the data the helper stored in its extras. */
public final class DequeuedWork {
    public final String tag;
    public final int deliveryCount;
    /** ITEM-SCRIPT JSON from {@link WorkItemSpec#SCRIPT_EXTRA}, or null. */
    public final String scriptJson;
    /** The platform's {@code JobWorkItem}; opaque to the core. */
    public final Object platformItem;

    public DequeuedWork(String tag, int deliveryCount, String scriptJson, Object platformItem) {
        this.tag = tag;
        this.deliveryCount = deliveryCount;
        this.scriptJson = scriptJson;
        this.platformItem = platformItem;
    }
}
