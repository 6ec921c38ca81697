"""bench/ scripts, smoke-tested."""
