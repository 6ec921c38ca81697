"""The Python model of the jobctl helper APK (``dev.jobctl.helper``), PROTOCOL.md version 1.

Modules, one job each:

* :mod:`.manifest` -- identity and manifest facts (§1, §8);
* :mod:`.jsonio` -- the strict JSON reader and canonical writer (§3.1);
* :mod:`.protocol` -- envelopes, errors, typed field access (§3, §4);
* :mod:`.spec` / :mod:`.steps` -- SPEC, ITEM and scripts as values (§6, §7.1-§7.3);
* :mod:`.commands` -- the command handler (§3.5);
* :mod:`.journal` / :mod:`.inbox` -- app-private storage (§5.3, §2.3);
* :mod:`.scripts` / :mod:`.pacing` -- running a job on the device clock (§7);
* :mod:`.platform_port` -- adapters over the JobScheduler model (§6.3);
* :mod:`.model` -- the app: process life, receiver, JobService (§2, §5.4);
"""

from __future__ import annotations

from jobctl_sim.apps.helper.manifest import PACKAGE
from jobctl_sim.apps.helper.model import HelperApp

__all__ = ["PACKAGE", "HelperApp"]
