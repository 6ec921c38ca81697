"""What the parsers raise when the device printed something they cannot read."""

from __future__ import annotations

from bridge.errors import JobctlError


class DeviceOutputError(JobctlError, ValueError):
    """A device command's output is not in the expected form (no ``dumpsys battery`` header,
    empty ``get-job-state`` output, an unprintable uid …). A :class:`ValueError` too, for
    callers that caught the parsers' earlier plain ``ValueError``."""
