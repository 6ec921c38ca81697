"""The adb transport: the adb server's address and lifecycle, and a lean client of its protocol.

:mod:`bridge.device` builds the user-facing API on top; nothing here knows about Android.
"""

from bridge.adb.server import AdbServer, ServerAddress

__all__ = ["AdbServer", "ServerAddress"]
