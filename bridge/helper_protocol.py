"""Constants of the helper app's protocol (android-helper/PROTOCOL.md)."""

from __future__ import annotations

HELPER_PACKAGE = "dev.jobctl.helper"
PROTOCOL_VERSION = 1
