"""jobctl's library: drive Android's JobScheduler over adb, on a real device or the virtual one.

The virtual device lives in :mod:`bridge.sim`; nothing else in ``bridge`` imports it.
"""

from bridge._version import __version__

__all__ = ["__version__"]
