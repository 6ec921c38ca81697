"""App-side models the virtual device runs in place of dex code (the jobctl helper).

Placeholder until the helper model lands: no app models are installed yet.
"""

from __future__ import annotations

from bridge.sim.android.system import AndroidSystem


def install(system: AndroidSystem) -> None:
    """Install the app models this device boots with (none yet)."""
    return None
