"""``cmd jobscheduler`` before Android 11 (API 26-29) where it differs from 11: which verbs exist
and the standby-heartbeat verb of 9 and 10; and the details 26-33 share where they differ from
14+. Before 11 the file lived at ``services/core/java/com/android/server/job/`` (no apex);
:mod:`.shell` applies these, :mod:`.shell_help` holds the texts.

* Verbs. 8.0 (API 26): ``run``, ``timeout``, ``monitor-battery``, ``get-battery-seq``,
  ``get-battery-charging``, ``get-battery-not-low``, ``get-storage-seq``, ``get-storage-not-low``
  and ``get-job-state`` -- the ``onCommand`` of GrifoDev/SuperMan-ModdedFiles
  @4f08da090dd528b3c8aacf658e06887eebcf52be ``services.jar.out/smali/com/android/server/job/
  JobSchedulerShellCommand.smali``. 8.1 (API 27) the same: its service
  (MiracleDROID-HnT/android_frameworks_base @d77564ebf1740c5c0b308a3488da08d56c20ff24
  ``services/core/java/com/android/server/job/JobSchedulerService.java``, in a tree whose
  ``Build.VERSION_CODES`` ends at ``O_MR1 = 27``) has ``executeRunCommand``,
  ``executeTimeoutCommand`` and ``getJobState`` but no ``executeCancelCommand``,
  ``executeHeartbeatCommand`` or ``triggerDockState``. 9 and 10 (API 28, 29) add ``cancel``,
  ``heartbeat`` and ``trigger-dock-state`` (aosp-mirror/platform_frameworks_base
  @e80b45506501815061b079dcb10bf87443bd385d ``services/core/java/com/android/server/job/
  JobSchedulerShellCommand.java``; mwilky/smali-enchilada @7e951ea43a90af68134489fe89f10f0c1c747c8e
  for 9, mwilky/smali-instantnoodlep @45be2502c873cdbb16ea3846a97005eadcaa2772 for 10). 11 adds
  ``reset-execution-quota`` and ``reset-schedule-quota`` (Ankits-lab/frameworks_base
  @150a9240e5a11cd5ebc9bb0832ce30e9c23f376a). Anything else is ``handleDefaultCommands``'
  ``Unknown command: VERB`` (exit 255).
* ``heartbeat [num]`` (9, 10): ``checkPermission("manipulate scheduler heartbeat")``, then
  ``numBeats = Integer.parseInt(getNextArg())`` (0 without one) and
  ``JobSchedulerService.executeHeartbeatCommand`` (aosp-mirror/platform_frameworks_base
  @0054124f30c621293f2233186f53c719374e820d ``services/core/java/com/android/server/job/
  JobSchedulerService.java``): below 1 it prints ``mHeartbeat``; else
  ``Advancing standby heartbeat by N`` and ``advanceHeartbeatLocked(N)``; exit 0 either way.
  ``mHeartbeat`` counts ``STANDBY_HEARTBEAT_TIME`` (``11 * 60 * 1000L``) beats from the
  service's start (``HeartbeatAlarmListener``: elapsed since ``mLastHeartbeatTime`` divided by
  the beat). On 10 ``advanceHeartbeatLocked`` returns at once unless ``USE_HEARTBEATS``, whose
  default is false (same file: ``DEFAULT_USE_HEARTBEATS = false``), so the heartbeat stays 0
  and the command only prints. 11 replaced the verb by ``Heartbeat command is no longer
  supported`` (exit 255).

Other differences (:mod:`.shell` applies them; 11 is Ankits-lab/frameworks_base
@150a9240e5a11cd5ebc9bb0832ce30e9c23f376a ``apex/jobscheduler/service/java/com/android/server/
job/JobSchedulerShellCommand.java``):

* ``run`` takes ``-s``/``--satisfied`` from 11 only (8.0 smali, aosp-mirror @e80b4550: ``-f``
  and ``-u`` alone, so ``-s`` is ``Error: unknown option '-s'``). Its ``-u`` value goes through
  ``Integer.parseInt`` up to 14 (8.0, 9, 11, and the Android 14 smali of galaxy-a16/SM-A166P
  @571140379d15ddfe3371a4a6095801d895653889), so ``cur``/``all`` are a NumberFormatException;
  15 (aosp-mirror @53e84fae8251af7ee71e191e9ecd3adbf98291d7) uses ``UserHandle.parseUserArg``
  and resolves ``current``. ``executeRunCommand`` looks the package up in user 0 when given -1
  (``userId != USER_ALL ? userId : USER_SYSTEM``, JobSchedulerService @0054124f and 8.1's).
* ``get-job-state`` checks ``"force timeout jobs"`` up to 13 (8.0, 9, 11 sources; 12: the
  ``getJobState`` of Neoteric-OS/android_frameworks_base @250d60d35fd91ba3a47c6b91fc837acb71941c61
  ``apex/jobscheduler/service/java/com/android/server/job/JobSchedulerShellCommand.java`` -- a 12
  file: ``com.android.modules.utils.BasicShellCommandHandler`` and ``mInternal.getBatteryCharging()``
  -- and of the smali of amog787/FOD-A12 @e745c7fd55eee4ed5e98b683658b6cdef8004d60
  ``smali/com/android/server/job/JobSchedulerShellCommand.smali`` and mwilky/smali-raven
  @0a3eb9dd181e5f4e31bec92551d7befcfe4cd2e6 ``services.jar.out/smali/com/android/server/job/
  JobSchedulerShellCommand.smali``; 13: the same path at mwilky/smali-raven
  @d05bbdcff8fe4398c75575ef0a2d5c840f38600e, a 13 build -- ``isBatteryCharging()``, no namespace
  option, and that commit's ``JobSchedulerService`` has ``BatteryStateTracker``,
  ``PendingJobQueue`` and ``CloudProviderChangeListener``), ``"get job state"`` on 14 (the A16
  smali) and 15.
* ``timeout`` prints ``Timing out: `` + ``printUniqueId`` + the component: before 14
  ``printUniqueId`` is ``u0a123/42`` without the ``#`` that the dump prints before it
  (PotatoProject/frameworks_base @871b0e7382df24dece7d4dd183ca7b95313fdc66 ``services/core/java/
  com/android/server/job/controllers/JobStatus.java``; the dumps of 8.1 and of 11's
  ``JobSchedulerService.java`` print ``"  JOB #"`` and then ``printUniqueId``). 12: mwilky/smali-raven
  @0a3eb9dd ``JobSchedulerService.smali`` ``executeTimeoutCommand`` (``Timing out: ``,
  ``printUniqueId``, ``flattenToShortString``; debug reason ``shell``) and ``controllers/
  JobStatus.smali`` ``printUniqueId`` (``formatUid``, ``/``, the id). 13:
  Neoteric-OS/android_frameworks_base @5cf9a14c9bc5ea9fcefcf1fb33d4fcd066583f42 (a 13 tree:
  ``TareController``, ``PrefetchController``, ``PendingJobQueue``, bias names)
  ``JobSchedulerService.java`` ``executeTimeoutCommand`` hands the loop to
  ``JobConcurrencyManager.executeTimeoutCommandLocked``, and its ``controllers/JobStatus.java``
  ``printUniqueId`` is ``formatUid`` + ``/`` + the id. Applied to 26-33.
* ``cancel PKG ID`` calls ``cancelJob(pkgUid, jobId, Process.SHELL_UID)`` on 9-11 (the
  ``executeCancelCommand`` of JobSchedulerService @0054124f and of 11's), whose reason is
  ``cancel() called by app, callingUid=2000 uid=U jobId=J`` (``cancelJob`` @0054124f);
  ``cancel PKG`` is ``cancel shell command for package``. The same on 12 (mwilky/smali-raven
  @0a3eb9dd ``JobSchedulerService.smali``: ``cancelJob(pkgUid, jobId, 0x7d0, 0xd)``, i.e.
  ``SHELL_UID`` and ``STOP_REASON_USER``) and 13 (Neoteric-OS @5cf9a14c ``executeCancelCommand``:
  ``cancelJob(pkgUid, jobId, Process.SHELL_UID, STOP_REASON_USER)``; ``cancelJob``'s text
  ``"cancel() called by app, callingUid=" + callingUid + " uid=" + uid + " jobId=" + jobId``);
  :mod:`.shell` keeps it on every later level.
"""

from __future__ import annotations

from jobctl_sim.native.clock import VirtualClock

STANDBY_HEARTBEAT_MS = 11 * 60 * 1000
"""``DEFAULT_STANDBY_HEARTBEAT_TIME``."""

VERBS_8 = frozenset({"run", "timeout", "monitor-battery", "get-battery-seq", "get-battery-charging",
                     "get-battery-not-low", "get-storage-seq", "get-storage-not-low", "get-job-state"})
VERBS_9 = VERBS_8 | {"cancel", "heartbeat", "trigger-dock-state"}


def verbs_before_11(api_level: int) -> frozenset[str]:
    """The verbs ``onCommand`` knows on API 26-29 (see the module docstring)."""
    return VERBS_8 if api_level < 28 else VERBS_9


class StandbyHeartbeat:
    """``mHeartbeat`` of one JobSchedulerService (9, 10). A reboot starts a new system_server,
    so beats added by ``heartbeat N`` count only within the boot they were added in."""

    def __init__(self) -> None:
        self._advanced = 0
        self._boot_wall: float | None = None

    @staticmethod
    def _boot_of(clock: VirtualClock) -> float:
        return clock.wall_time() - clock.elapsed()

    def _added(self, clock: VirtualClock) -> int:
        same_boot = self._boot_wall is not None and abs(self._boot_of(clock) - self._boot_wall) < 0.5
        return self._advanced if same_boot else 0

    def current(self, api_level: int, clock: VirtualClock) -> int:
        """``getCurrentHeartbeat``: 0 on 10 (no heartbeats), else the beats since boot plus those added."""
        if api_level >= 29:
            return 0
        return clock.elapsed_realtime_ms() // STANDBY_HEARTBEAT_MS + self._added(clock)

    def advance(self, api_level: int, clock: VirtualClock, beats: int) -> None:
        """``advanceHeartbeatLocked``: a no-op on 10 (``USE_HEARTBEATS`` false)."""
        if api_level >= 29:
            return
        self._advanced = self._added(clock) + beats
        self._boot_wall = self._boot_of(clock)
