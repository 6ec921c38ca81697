"""The operating system under the framework: filesystem, properties, logd, clock, sh and toybox."""
