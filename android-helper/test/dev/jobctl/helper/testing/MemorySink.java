package dev.jobctl.helper.testing;

import dev.jobctl.helper.core.LiveSink;

import java.util.ArrayList;
import java.util.List;

/** Collects what would go to logcat. */
public final class MemorySink implements LiveSink {
    public final List<String> lines = new ArrayList<String>();

    @Override
    public void publish(String line) {
        lines.add(line);
    }
}
