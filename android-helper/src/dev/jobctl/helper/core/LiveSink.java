package dev.jobctl.helper.core;

/** Receives every journal line after it is on disk (logcat on Android, PROTOCOL.md §5.4). */
public interface LiveSink {
    void publish(String line);
}
