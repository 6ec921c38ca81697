"""The jobs a stock emulator image schedules at boot: which, per API level, and how they behave.

Each :class:`SystemJobSpec` is one ``JobScheduler.schedule`` call the platform or a preinstalled
app makes while booting (none of them is persisted by its owner except the API 34+ usage-stats
jobs, so every boot schedules them again, as system_server does). Sources (AOSP, file that
schedules the job; ids and constraints read from there):

* ``services/core/java/com/android/server/pm/BackgroundDexOptService.java`` (Android 8-12):
  ``JOB_IDLE_OPTIMIZE`` = 800 (idle + charging, ``setPeriodic(IDLE_OPTIMIZATION_PERIOD)``, one
  day) and ``JOB_POST_BOOT_UPDATE`` = 801 (``setMinimumLatency(1 min)``,
  ``setOverrideDeadline(1 min)``), component ``android/com.android.server.pm.BackgroundDexOptService``.
  Android 13 moved the JobService into ``BackgroundDexOptJobService`` and schedules 801 from
  BOOT_COMPLETED with 10 min latency and a 60 min deadline [I for the API boundary].
* ``art/libartservice/service/java/com/android/server/art/BackgroundDexOptJob.java`` (Android 14+,
  ART Service): ``JOB_ID`` = 27873780, ``setPeriodic(1 day)``, idle + charging + battery not low,
  component ``android/com.android.server.art.BackgroundDexOptJobService``; ``onStopJob`` returns true.
* ``services/core/java/com/android/server/MountServiceIdler.java``: ``MOUNT_JOB_ID`` = 808,
  idle + charging, minimum latency until the next midnight (``tomorrowMidnight()``); the service
  schedules the next pass itself when fstrim finishes.
* ``services/core/java/com/android/server/PruneInstantAppsJobService.java``: ``JOB_ID`` =
  765123, idle, ``setPeriodic(1 day)``.
* ``apex/blobstore/.../BlobStoreIdleJobService.java`` + ``BlobStoreConfig.IDLE_JOB_ID`` =
  191934935 (Android 11+): idle + charging, periodic one day.
* ``services/usage/java/com/android/server/usage/UsageStatsIdleService.java`` (Android 14+):
  ``forNamespace("usagestats_prune")`` job id = user id (0), idle, persisted, extras
  ``{user_id=0}``; ``forNamespace("usagestats_mapping")`` id 0, persisted, latency 1 day,
  deadline 2 days. A captured Android 11-12 dump (aosp-shell-interface.md §2.2 item 12) shows
  the older un-namespaced form ``#1000/546378950 android/...UsageStatsIdleService``; its id
  scheme is not modelled, so ≤33 leave it out.
* ``packages/providers/MediaProvider/src/com/android/providers/media/IdleService.java``:
  ``IDLE_JOB_ID`` = -200, ``setPeriodic(24 h)``, charging + idle; the package is
  ``com.android.providers.media`` before Android 11 and the mainline
  ``com.android.providers.media.module`` from 11 (captured as ``u0a140`` in the reference dump).
* ``packages/providers/DownloadProvider/src/com/android/providers/downloads/DownloadIdleService.java``:
  ``IDLE_JOB_ID`` = -100 (``Constants``), ``setPeriodic(12 h)``, charging + idle.

Behaviour when run (``onStartJob``/``onStopJob`` of each service, same files): every one works on
a background thread and calls ``jobFinished(params, false)``; :attr:`SystemJobSpec.run_ms` is how
long that takes on the virtual device [I: durations are not in the sources]. ``onStopJob``
returns :attr:`SystemJobSpec.reschedule_on_stop` (true only for ART's dexopt job).
"""

from __future__ import annotations

from dataclasses import dataclass

from jobctl_sim.framework.jobscheduler.model import JobInfo, extras

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS

ANDROID = "android"
MEDIA_LEGACY = "com.android.providers.media"
MEDIA_MODULE = "com.android.providers.media.module"
DOWNLOADS = "com.android.providers.downloads"


@dataclass(frozen=True)
class SystemJobSpec:
    """One job a system component schedules at boot."""

    name: str
    package: str
    class_name: str
    job_id: int
    min_api: int = 26
    max_api: int = 99
    namespace: str | None = None
    requires_device_idle: bool = False
    requires_charging: bool = False
    requires_battery_not_low: bool = False
    period_ms: int = 0
    min_latency_ms: int = 0
    deadline_ms: int = 0
    persisted: bool = False
    job_extras: tuple[tuple[str, object], ...] = ()
    run_ms: int = 5_000
    reschedule_on_stop: bool = False
    until_midnight: bool = False
    """The latency is the time to the next midnight (MountServiceIdler)."""
    reschedules_itself: bool = False
    """The service schedules the next pass when a run ends (MountServiceIdler)."""

    @property
    def service(self) -> str:
        return f"{self.package}/{self.class_name}"

    def applies_to(self, api_level: int) -> bool:
        return self.min_api <= api_level <= self.max_api

    def job_info(self, now_wall_s: float) -> JobInfo:
        """The JobInfo its ``schedule`` call builds (``now_wall_s``: the wall clock, for midnight)."""
        latency = self.min_latency_ms
        if self.until_midnight:
            day_s = 86_400
            latency = int((day_s - (now_wall_s % day_s)) * 1000)
        return JobInfo(
            job_id=self.job_id,
            service=self.service,
            extras=tuple(sorted(self.job_extras)),
            requires_device_idle=self.requires_device_idle,
            requires_charging=self.requires_charging,
            requires_battery_not_low=self.requires_battery_not_low,
            periodic=self.period_ms > 0,
            interval_ms=self.period_ms,
            flex_ms=self.period_ms,
            min_latency_ms=latency,
            has_early_constraint=latency > 0 or self.until_midnight,
            override_deadline_ms=self.deadline_ms,
            has_late_constraint=self.deadline_ms > 0,
            persisted=self.persisted,
        )


def _dexopt_class(api_level: int) -> str:
    if api_level >= 33:
        return "com.android.server.pm.BackgroundDexOptJobService"
    return "com.android.server.pm.BackgroundDexOptService"


def media_package(api_level: int) -> str:
    """MediaProvider's package: mainline module from Android 11."""
    return MEDIA_MODULE if api_level >= 30 else MEDIA_LEGACY


def catalog(api_level: int) -> tuple[SystemJobSpec, ...]:
    """Every boot-time job of a stock emulator image at ``api_level``, in scheduling order."""
    dexopt = _dexopt_class(api_level)
    specs = (
        SystemJobSpec("dexopt-post-boot", ANDROID, dexopt, 801, max_api=32,
                      min_latency_ms=MINUTE_MS, deadline_ms=MINUTE_MS, run_ms=2_000),
        SystemJobSpec("dexopt-post-boot", ANDROID, dexopt, 801, min_api=33, max_api=33,
                      min_latency_ms=10 * MINUTE_MS, deadline_ms=60 * MINUTE_MS, run_ms=2_000),
        SystemJobSpec("dexopt-idle", ANDROID, dexopt, 800, max_api=33, requires_device_idle=True,
                      requires_charging=True, period_ms=DAY_MS, run_ms=120_000),
        SystemJobSpec("art-dexopt", ANDROID, "com.android.server.art.BackgroundDexOptJobService", 27873780,
                      min_api=34, requires_device_idle=True, requires_charging=True,
                      requires_battery_not_low=True, period_ms=DAY_MS, run_ms=120_000, reschedule_on_stop=True),
        SystemJobSpec("mount-idler", ANDROID, "com.android.server.MountServiceIdler", 808,
                      requires_device_idle=True, requires_charging=True, until_midnight=True,
                      reschedules_itself=True, run_ms=10_000),
        SystemJobSpec("prune-instant-apps", ANDROID, "com.android.server.PruneInstantAppsJobService", 765123,
                      requires_device_idle=True, period_ms=DAY_MS, run_ms=1_000),
        SystemJobSpec("blobstore-idle", ANDROID, "com.android.server.blob.BlobStoreIdleJobService", 191934935,
                      min_api=30, requires_device_idle=True, requires_charging=True, period_ms=DAY_MS, run_ms=1_000),
        SystemJobSpec("usagestats-prune", ANDROID, "com.android.server.usage.UsageStatsIdleService", 0,
                      min_api=34, namespace="usagestats_prune", requires_device_idle=True, persisted=True,
                      job_extras=(("user_id", 0),), run_ms=1_000),
        SystemJobSpec("usagestats-mapping", ANDROID, "com.android.server.usage.UsageStatsIdleService", 0,
                      min_api=34, namespace="usagestats_mapping", persisted=True, min_latency_ms=DAY_MS,
                      deadline_ms=2 * DAY_MS, job_extras=(("user_id", 0),), run_ms=1_000),
        SystemJobSpec("media-idle", media_package(api_level), "com.android.providers.media.IdleService", -200,
                      requires_device_idle=True, requires_charging=True, period_ms=DAY_MS, run_ms=30_000),
        SystemJobSpec("downloads-idle", DOWNLOADS, "com.android.providers.downloads.DownloadIdleService", -100,
                      requires_device_idle=True, requires_charging=True, period_ms=12 * HOUR_MS, run_ms=5_000),
    )
    return tuple(s for s in specs if s.applies_to(api_level))


def find(api_level: int, package: str, job_id: int, namespace: str | None = None) -> SystemJobSpec | None:
    return next((s for s in catalog(api_level)
                 if s.package == package and s.job_id == job_id and s.namespace == namespace), None)


__all__ = ["DAY_MS", "SystemJobSpec", "catalog", "extras", "find", "media_package"]
