"""App-side models the virtual device runs in place of dex code (see :mod:`.registration`)."""
