"""Change what JobScheduler's controllers see -- battery, network, idle, doze, storage, app
standby -- the way the platform really tells them, wait for a JobScheduler-side readback, and
put everything back afterwards.

Reference: ``../shared/reference/aosp-shell-interface.md`` (cited below as "ref §N").
The rule of ref §6 applies everywhere: **never trust one shell call**. Every change is followed
by polling a readback until it holds or a deadline passes (:func:`wait_until`, the only place
that sleeps), which raises :class:`~bridge.errors.ConditionTimeoutError`.

Typical use::

    conditions = Conditions(device)
    with conditions.snapshot():
        conditions.set_charging(False)
        conditions.set_wifi(False)
        ...                              # run jobs
    # every condition changed inside the block is back to its original value here

Arguments are checked before the device is touched (bad bucket names, levels outside 0-100,
packages ``pm path`` does not know): :class:`~bridge.errors.InvalidConditionError`, a
``ValueError``, one line, nothing changed.
"""

from __future__ import annotations

import enum
import ipaddress
import re
import shlex
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from bridge.capabilities import ShellDevice
from bridge.errors import (
    ConditionError,
    ConditionRestoreError,
    ConditionTimeoutError,
    InvalidConditionError,
    NetworkCutRiskError,
    UnknownPackageError,
)
from bridge.parsers import parse_battery_dump

T = TypeVar("T")

DEFAULT_TIMEOUT = 15.0
"""Seconds to wait for a readback (CTS uses 15 s for battery and doze, 10 s for storage; ref §6)."""
POLL_INTERVAL = 0.05
BATTERY_CONSTANTS = "battery_stats_constants"
CHARGED_DELAY_KEY = "battery_charged_delay_ms"
LOW_BATTERY_LEVEL = 5
"""Level used for "battery low": at or under ``config_lowBatteryWarningLevel`` (15), ref §3.1."""
NOT_LOW_BATTERY_LEVEL = 50
"""Level used for "battery not low": at or over the close-warning bump (15 + 5), ref §3.1."""
RUN_ANY_IN_BACKGROUND = "RUN_ANY_IN_BACKGROUND"
_PACKAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")
_SSID_LINE = re.compile(r'^Wifi is connected to "(.*)"\s*$', re.MULTILINE)
_SECTION = "<<jobctl:{}>>"


# ---------------------------------------------------------------------------- values
class StandbyBucket(enum.IntEnum):
    """App standby buckets with their platform values (ref §5.4)."""

    EXEMPTED = 5
    ACTIVE = 10
    WORKING_SET = 20
    FREQUENT = 30
    RARE = 40
    RESTRICTED = 45
    NEVER = 50

    @classmethod
    def parse(cls, value: "StandbyBucket | str | int") -> "StandbyBucket":
        """A bucket from an enum member, a name (``"rare"``, ``"WORKING_SET"``) or a platform int."""
        if isinstance(value, StandbyBucket):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return cls(value)
            except ValueError:
                pass
        elif isinstance(value, str):
            name = value.strip().upper().replace("-", "_")
            if name in cls.__members__:
                return cls[name]
            if name.isdigit():
                return cls.parse(int(name))
        names = ", ".join(member.name.lower() for member in cls)
        raise InvalidConditionError(f"unknown standby bucket {value!r} (one of: {names})")

    @property
    def shell_name(self) -> str:
        """The name ``am set-standby-bucket`` matches by prefix (``working_set``…)."""
        return self.name.lower()


class MeteredOverride(enum.Enum):
    """``cmd netpolicy set metered-network SSID true|false|none`` (ref §4)."""

    METERED = "true"
    UNMETERED = "false"
    AUTOMATIC = "none"

    @classmethod
    def of(cls, metered: bool | None) -> "MeteredOverride":
        return cls.AUTOMATIC if metered is None else cls.METERED if metered else cls.UNMETERED


class AppOpMode(enum.Enum):
    """Modes of ``RUN_ANY_IN_BACKGROUND`` (ref §5.5); ``DEFAULT`` is "never set" (``No operations.``)."""

    ALLOW = "allow"
    IGNORE = "ignore"
    DEFAULT = "default"


@dataclass(frozen=True)
class AppConditions:
    """Per-app conditions: standby bucket and background restriction."""

    package: str
    standby_bucket: StandbyBucket
    background_mode: AppOpMode

    @property
    def background_restricted(self) -> bool:
        return self.background_mode is AppOpMode.IGNORE


@dataclass(frozen=True)
class ConditionsState:
    """Everything :class:`Conditions` can change, as the device reports it now.

    ``charging``, ``battery_not_low`` and ``storage_not_low`` are JobScheduler's own view
    (``cmd jobscheduler get-*``, ref §1.6); the rest is the platform's. Sequence numbers are
    excluded from equality, so two reads of an unchanged device compare equal.
    """

    battery_level: int
    plugged: bool
    charging: bool
    battery_not_low: bool
    storage_not_low: bool
    wifi_enabled: bool
    wifi_ssid: str | None
    cellular_enabled: bool
    airplane_mode: bool
    metered_overrides: tuple[tuple[str, MeteredOverride], ...]
    screen_on: bool
    deep_idle_state: str
    doze_forced: bool
    battery_saver: bool
    apps: tuple[AppConditions, ...] = ()
    battery_seq: int = field(default=-1, compare=False)
    storage_seq: int = field(default=-1, compare=False)

    @property
    def dozing(self) -> bool:
        return self.deep_idle_state == "IDLE"

    @property
    def wifi_metered(self) -> MeteredOverride | None:
        """The metered override of the connected Wi-Fi network, if any."""
        return dict(self.metered_overrides).get(self.wifi_ssid) if self.wifi_ssid is not None else None

    def app(self, package: str) -> AppConditions:
        return next(app for app in self.apps if app.package == package)

    def to_json_object(self, package: str) -> dict[str, object]:
        """The one JSON form of the conditions (``device status --json``, ``watch --json``)."""
        app = self.app(package)
        return {
            "battery_level": self.battery_level, "plugged": self.plugged, "charging": self.charging,
            "battery_not_low": self.battery_not_low, "storage_not_low": self.storage_not_low,
            "wifi_enabled": self.wifi_enabled, "wifi_ssid": self.wifi_ssid,
            "wifi_metered": self.wifi_metered.value if self.wifi_metered else None,
            "cellular_enabled": self.cellular_enabled, "airplane_mode": self.airplane_mode,
            "screen_on": self.screen_on, "deep_idle_state": self.deep_idle_state, "dozing": self.dozing,
            "doze_forced": self.doze_forced, "battery_saver": self.battery_saver,
            "app": {"package": app.package, "standby_bucket": app.standby_bucket.name,
                    "background_mode": app.background_mode.value, "background_restricted": app.background_restricted},
        }


# ---------------------------------------------------------------------------- polling
def wait_until(
    read: Callable[[], T],
    predicate: Callable[[T], bool],
    timeout: float,
    *,
    what: str,
    interval: float = POLL_INTERVAL,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``read`` until ``predicate`` holds for its value; raise :class:`ConditionTimeoutError`
    naming ``what`` and the last value once ``timeout`` seconds have passed (ref §6)."""
    deadline = clock() + timeout
    while True:
        value = read()
        if predicate(value):
            return value
        remaining = deadline - clock()
        if remaining <= 0:
            raise ConditionTimeoutError(f"{what}: not reached within {timeout:g} s (last readback {value!r})")
        sleep(min(interval, remaining))


# ---------------------------------------------------------------------------- parsing
def _bool_word(text: str, what: str) -> bool:
    word = text.strip()
    if word in ("true", "1", "enabled"):
        return True
    if word in ("false", "0", "disabled", "null"):
        return False
    raise ConditionError(f"unreadable {what}: {text.strip()!r}")


def _int(text: str, what: str) -> int:
    word = text.strip()
    if not re.fullmatch(r"-?\d+", word):
        raise ConditionError(f"unreadable {what}: {word!r}")
    return int(word)


def parse_wifi_ssid(status: str) -> str | None:
    """The connected SSID in ``cmd wifi status`` (``Wifi is connected to "SSID"``), ref §4 [I]."""
    match = _SSID_LINE.search(status)
    return match.group(1) if match else None


def parse_metered_overrides(text: str) -> tuple[tuple[str, MeteredOverride], ...]:
    """``cmd netpolicy list wifi-networks``: ``SSID;true|false|none`` lines (ref §4)."""
    pairs = []
    for line in text.splitlines():
        ssid, sep, value = line.strip().rpartition(";")
        if sep and value in ("true", "false", "none"):
            pairs.append((ssid, MeteredOverride(value)))
    return tuple(pairs)


def parse_appop_mode(text: str) -> AppOpMode:
    """``cmd appops get PKG RUN_ANY_IN_BACKGROUND`` (ref §5.5): ``OP: mode`` or ``No operations.``."""
    for line in text.splitlines():
        if line.startswith(f"{RUN_ANY_IN_BACKGROUND}:"):
            mode = line.split(":", 1)[1].strip().split(";")[0].strip()
            try:
                return AppOpMode(mode)
            except ValueError:
                raise ConditionError(f"unreadable {RUN_ANY_IN_BACKGROUND} mode: {line.strip()!r}") from None
    return AppOpMode.DEFAULT


def split_sections(text: str, names: Sequence[str]) -> dict[str, str]:
    """Cut the output of a :func:`sectioned` command line back into its parts."""
    parts: dict[str, str] = {}
    rest = text
    for name in names:
        marker = _SECTION.format(name) + "\n"
        _, found, rest = rest.partition(marker)
        if not found:
            raise ConditionError(f"readback section {name!r} missing from the device's answer")
        parts[name] = rest
    for name in names:  # trim each part at the next marker
        parts[name] = parts[name].split("<<jobctl:", 1)[0]
    return parts


def sectioned(commands: Sequence[tuple[str, str]]) -> str:
    """One shell line running every ``(name, command)``, each output after an ``echo`` marker."""
    return "; ".join(f"echo '{_SECTION.format(name)}'; {command}" for name, command in commands)


def adb_link_is_network(serial: str) -> bool:
    """True if the adb transport runs over a network other than loopback (``HOST:PORT`` with a
    non-loopback host, or an mDNS wireless-debugging serial)."""
    if "._adb-tls-" in serial:
        return True
    host, sep, port = serial.rpartition(":")
    if not sep or not port.isdigit():
        return False  # USB serials, emulator-5554
    host = host.strip("[]")
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a host name: assume it is reached over the network


# ---------------------------------------------------------------------------- undo log
@dataclass
class _UndoLog:
    """Restore steps in the order their conditions were first changed; run in reverse."""

    keys: set[str] = field(default_factory=set)
    steps: list[tuple[str, Callable[[], None]]] = field(default_factory=list)

    def restore(self) -> tuple[list[str], BaseException | None]:
        failures: list[str] = []
        interrupt: BaseException | None = None
        for description, step in reversed(self.steps):
            try:
                step()
            except (KeyboardInterrupt, SystemExit) as stop:  # finish restoring, re-raise after
                interrupt = interrupt or stop
                failures.append(f"{description}: interrupted")
            except Exception as error:  # noqa: BLE001 - every step is tried, failures are collected
                failures.append(f"{description}: {error}")
        return failures, interrupt


# ---------------------------------------------------------------------------- conditions
class Conditions:
    """Drive one device's conditions; see the module docstring."""

    def __init__(self, device: ShellDevice, *, timeout: float = DEFAULT_TIMEOUT,
                 poll_interval: float = POLL_INTERVAL) -> None:
        self.device = device
        self.timeout = timeout
        self.poll_interval = poll_interval
        self._undo: _UndoLog | None = None

    # -- shell ------------------------------------------------------------------------
    def _run(self, command: str | Sequence[str]) -> str:
        """Run a command that must succeed; its stdout. Every command here reads a condition or
        sets it to a value, so it is safe to send again after a lost connection (and restoring
        the device's conditions survives a pulled cable or an adb server restart)."""
        return self.device.shell(command, check=True, idempotent=True).text

    def _wait(self, read: Callable[[], T], predicate: Callable[[T], bool], what: str) -> T:
        return wait_until(read, predicate, self.timeout, what=f"{self.device.serial}: {what}",
                          interval=self.poll_interval)

    # -- snapshot ---------------------------------------------------------------------
    @contextmanager
    def snapshot(self) -> Iterator["Conditions"]:
        """Record the original value of every condition changed inside the block (lazily, on
        its first change) and restore them all in reverse order on exit -- also after an
        exception or KeyboardInterrupt. Every restore step is tried; failures are collected into
        one :class:`ConditionRestoreError` (attached as a note if the block itself raised)."""
        if self._undo is not None:
            raise ConditionError("a snapshot is already active on this Conditions object")
        self._undo = _UndoLog()
        try:
            yield self
        except (KeyboardInterrupt, SystemExit) as stop:
            failures, _ = self._end_snapshot()
            if failures:
                stop.add_note(str(ConditionRestoreError(failures)))
            raise
        except BaseException as error:
            failures, interrupt = self._end_snapshot()
            if interrupt is not None:
                raise interrupt from error
            if failures:
                raise ConditionRestoreError(failures) from error
            raise
        else:
            failures, interrupt = self._end_snapshot()
            if interrupt is not None:
                raise interrupt
            if failures:
                raise ConditionRestoreError(failures)

    def _end_snapshot(self) -> tuple[list[str], BaseException | None]:
        log, self._undo = self._undo, None
        return log.restore() if log is not None else ([], None)

    def _remember(self, key: str, description: str, capture: Callable[[], Callable[[], None]]) -> None:
        """Inside a snapshot, on the first change of ``key``: read the original now (``capture``)
        and keep the step that puts it back."""
        log = self._undo
        if log is None or key in log.keys:
            return
        restore = capture()
        log.keys.add(key)
        log.steps.append((description, restore))

    # -- validation -------------------------------------------------------------------
    def _check_package(self, package: str) -> None:
        if not isinstance(package, str) or not _PACKAGE_NAME.fullmatch(package):
            raise InvalidConditionError(f"not a package name: {package!r}")
        result = self.device.shell(["pm", "path", package], idempotent=True)
        if result.exit_code != 0 or "package:" not in result.text:
            raise UnknownPackageError(f"package {package} is not installed on {self.device.serial}")

    @staticmethod
    def _check_level(level: int) -> int:
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100:
            raise InvalidConditionError(f"battery level must be an integer from 0 to 100, not {level!r}")
        return level

    def _check_network_cut(self, what: str, force: bool) -> None:
        """Refuse to cut Wi-Fi under an adb-over-Wi-Fi link unless ``force`` (ref §4)."""
        if not force and adb_link_is_network(self.device.serial):
            raise NetworkCutRiskError(
                f"{what} would cut the network adb reaches {self.device.serial} over; pass force=True to do it anyway"
            )

    # -- battery (ref §3) -------------------------------------------------------------
    def _battery_readback(self) -> tuple[int, bool, bool]:
        """``(get-battery-seq, get-battery-charging, get-battery-not-low)`` in one round trip."""
        text = self._run("cmd jobscheduler get-battery-seq; cmd jobscheduler get-battery-charging; "
                         "cmd jobscheduler get-battery-not-low")
        words = text.split()
        if len(words) != 3:
            raise ConditionError(f"unreadable battery readback: {text.strip()!r}")
        return _int(words[0], "battery seq"), _bool_word(words[1], "charging"), _bool_word(words[2], "battery not low")

    def _wait_battery(self, seq: int, what: str, predicate: Callable[[bool, bool], bool] = lambda c, n: True) -> None:
        """Poll until JobScheduler saw battery broadcast ``seq`` and ``predicate(charging, not_low)``
        holds (CTS ``setBatteryState``, ref §3.4)."""
        self._wait(self._battery_readback, lambda r: r[0] >= seq and predicate(r[1], r[2]), what)

    def _prepare_battery(self, *, charged_delay: bool) -> None:
        """Record the battery's restore steps, then (ref §3.4): optionally set
        ``battery_charged_delay_ms=0`` (keeping the other constants), and ``monitor-battery on``
        so ``get-battery-seq`` follows the broadcasts."""
        if charged_delay:
            original = self._remember_battery_constants()
            self._run(["settings", "put", "global", BATTERY_CONSTANTS, _with_zero_delay(original)])
        self._remember("battery-monitor", "cmd jobscheduler monitor-battery off",
                       lambda: self._command_step("cmd jobscheduler monitor-battery off"))
        self._run("cmd jobscheduler monitor-battery on")
        self._remember("battery", "cmd battery reset", self._capture_battery)

    def _remember_battery_constants(self) -> str | None:
        original = self._run(["settings", "get", "global", BATTERY_CONSTANTS]).strip()
        value = None if original in ("", "null") else original

        def restore() -> None:
            if value is None:
                self._run(["settings", "delete", "global", BATTERY_CONSTANTS])
            else:
                self._run(["settings", "put", "global", BATTERY_CONSTANTS, value])

        self._remember("battery-constants", f"restore {BATTERY_CONSTANTS}", lambda: restore)
        return value

    def _capture_battery(self) -> Callable[[], None]:
        """Live battery values are restored with ``cmd battery reset``; values someone had
        already frozen with ``cmd battery set/unplug`` (the dump says ``UPDATES STOPPED``,
        ref §3.1) are set again, since a reset would bring back the hardware's instead."""
        dump = parse_battery_dump(self._run("dumpsys battery"))
        _, charging, not_low = self._battery_readback()
        expected = f"battery back to charging={charging} not-low={not_low}"

        def reset() -> None:
            self._run("cmd battery reset")
            self._wait(self._battery_readback, lambda r: r[1:] == (charging, not_low), expected)

        def refreeze() -> None:
            sources = {"ac": dump.ac_powered, "usb": dump.usb_powered, "wireless": dump.wireless_powered,
                       "dock": dump.dock_powered}
            for source, powered in sources.items():
                if powered is not None:
                    self._run(["cmd", "battery", "set", source, "1" if powered else "0"])
            level = dump.level if dump.level is not None else self._battery_level()
            if charging and level > 1:
                self._run(["cmd", "battery", "set", "level", str(level - 1)])  # a visible rise (ref §3.4)
            self._wait_battery(self._set_level_forced(level), expected,
                               lambda c, n: (c, n) == (charging, not_low))

        return refreeze if dump.updates_stopped else reset

    def _battery_level(self) -> int:
        return _require_level(parse_battery_dump(self._run("dumpsys battery")).level)

    def _set_level_forced(self, level: int) -> int:
        """``cmd battery set -f level N`` (``-f`` right after the verb, ref §3.1); the new seq."""
        return _int(self._run(["cmd", "battery", "set", "-f", "level", str(level)]), "battery seq")

    def set_charging(self, charging: bool, *, level: int | None = None) -> None:
        """Plug in (AC) or unplug the way BatteryStats declares charging (ref §3.3, §3.4, §8.4):
        charged delay 0, ``monitor-battery on``, ``set ac 1``, a visible level *rise* (to ``level``,
        default current + 1, capped at 100), then poll ``get-battery-seq`` ≥ seq and
        ``get-battery-charging``. Unplugging is ``cmd battery unplug -f``."""
        if level is not None:
            self._check_level(level)
        if not charging:
            self._prepare_battery(charged_delay=False)
            seq = _int(self._run("cmd battery unplug -f"), "battery seq")
            self._wait_battery(seq, "charging=false", lambda c, n: not c)
            return
        self._prepare_battery(charged_delay=True)
        self._run("cmd battery set ac 1")
        current = self._battery_level()
        target = level if level is not None else min(100, current + 1)
        if current >= target:
            self._run(["cmd", "battery", "set", "level", str(max(target - 1, 1))])
        seq = self._set_level_forced(target)
        self._wait_battery(seq, "charging=true", lambda c, n: c)

    def set_battery_level(self, level: int) -> None:
        """``cmd battery set -f level N`` and wait until JobScheduler saw that broadcast (ref §3.4)."""
        self._check_level(level)
        self._prepare_battery(charged_delay=False)
        seq = self._set_level_forced(level)
        self._wait_battery(seq, f"battery level {level}")

    def set_battery_low(self, low: bool, *, level: int | None = None) -> None:
        """Battery low: unplug, level ≤ 15 (default 5); not low: level ≥ 20 (default 50). Poll
        ``get-battery-not-low`` (ref §3.1 thresholds, §1.6)."""
        if level is not None:
            self._check_level(level)
            if (low and level > 15) or (not low and level < 20):
                raise InvalidConditionError(f"battery level {level} cannot make the battery {'low' if low else 'not low'}")
        target = level if level is not None else (LOW_BATTERY_LEVEL if low else NOT_LOW_BATTERY_LEVEL)
        self._prepare_battery(charged_delay=False)
        if low:
            self._run("cmd battery unplug")
        seq = self._set_level_forced(target)
        self._wait_battery(seq, f"battery-not-low={str(not low).lower()}", lambda c, n: n is not low)

    def set_battery_saver(self, enabled: bool) -> None:
        """Battery saver on: unplug first (it is ignored while plugged, ref §8.13), then
        ``cmd power set-mode 1``; off: ``set-mode 0``. Poll ``settings get global low_power``
        (ref §5.5). Restore puts the original mode back (the battery restore re-plugs)."""
        if enabled:
            self.set_charging(False)
        self._remember("battery-saver", "restore battery saver", self._capture_battery_saver)
        self._set_power_mode(enabled)

    def _read_battery_saver(self) -> bool:
        return _bool_word(self._run("settings get global low_power"), "low_power")

    def _set_power_mode(self, enabled: bool) -> None:
        self._run(["cmd", "power", "set-mode", "1" if enabled else "0"])
        self._wait(self._read_battery_saver, lambda on: on is enabled, f"battery saver {'on' if enabled else 'off'}")

    def _capture_battery_saver(self) -> Callable[[], None]:
        original = self._read_battery_saver()
        return lambda: self._set_power_mode(original)

    # -- network (ref §4) -------------------------------------------------------------
    def _read_wifi(self) -> bool:
        first = self._run("cmd wifi status").splitlines()[:1]
        return _bool_word(first[0].removeprefix("Wifi is "), "wifi status") if first else False

    def _switch_wifi(self, enabled: bool) -> None:
        self._run(["svc", "wifi", "enable" if enabled else "disable"])
        self._wait(self._read_wifi, lambda on: on is enabled, f"wifi {'enabled' if enabled else 'disabled'}")

    def set_wifi(self, enabled: bool, *, force: bool = False) -> None:
        """``svc wifi enable|disable`` and poll ``cmd wifi status`` (ref §4). Turning Wi-Fi off
        under an adb-over-Wi-Fi link raises :class:`NetworkCutRiskError` unless ``force``."""
        if not enabled:
            self._check_network_cut("turning Wi-Fi off", force)
        self._remember("wifi", "restore Wi-Fi", self._capture(self._read_wifi, self._switch_wifi))
        self._switch_wifi(enabled)

    def _read_cellular(self) -> bool:
        return _bool_word(self._run("settings get global mobile_data"), "mobile_data")

    def _switch_cellular(self, enabled: bool) -> None:
        self._run(["svc", "data", "enable" if enabled else "disable"])
        self._wait(self._read_cellular, lambda on: on is enabled, f"mobile data {'on' if enabled else 'off'}")

    def set_cellular(self, enabled: bool) -> None:
        """``svc data enable|disable`` and poll ``settings get global mobile_data`` (ref §4; the
        setting as readback is [I])."""
        self._remember("cellular", "restore mobile data", self._capture(self._read_cellular, self._switch_cellular))
        self._switch_cellular(enabled)

    def _read_airplane(self) -> bool:
        return _bool_word(self._run("cmd connectivity airplane-mode"), "airplane mode")

    def _switch_airplane(self, enabled: bool) -> None:
        self._run(["cmd", "connectivity", "airplane-mode", "enable" if enabled else "disable"])
        self._wait(self._read_airplane, lambda on: on is enabled, f"airplane mode {'on' if enabled else 'off'}")

    def set_airplane(self, enabled: bool, *, force: bool = False) -> None:
        """``cmd connectivity airplane-mode enable|disable`` (not the bare setting, ref §4) and poll
        the query form. Turning it on under an adb-over-Wi-Fi link needs ``force``."""
        if enabled:
            self._check_network_cut("airplane mode", force)
        self._remember("airplane", "restore airplane mode", self._capture(self._read_airplane, self._switch_airplane))
        self._switch_airplane(enabled)

    def _read_metered(self, ssid: str) -> MeteredOverride | None:
        return dict(parse_metered_overrides(self._run("cmd netpolicy list wifi-networks"))).get(ssid)

    def _switch_metered(self, ssid: str, override: MeteredOverride) -> None:
        self._run(["cmd", "netpolicy", "set", "metered-network", ssid, override.value])
        self._wait(lambda: self._read_metered(ssid), lambda now: now is override, f"{ssid} metered={override.value}")

    def set_metered(self, metered: bool | None, *, ssid: str | None = None) -> None:
        """Override the metered flag of a saved Wi-Fi network (the connected one by default):
        ``cmd netpolicy set metered-network SSID true|false|none`` (``None`` = automatic), then
        poll ``cmd netpolicy list wifi-networks`` (ref §4)."""
        override = MeteredOverride.of(metered)
        if ssid is not None and (not isinstance(ssid, str) or not ssid or ssid != ssid.strip()
                                 or len(ssid.splitlines()) != 1 or "\0" in ssid):
            # `cmd netpolicy list wifi-networks` prints one network per line, trimmed: such a
            # name could be set but never read back (or restored).
            raise InvalidConditionError(f"an SSID must be one line without leading or trailing blanks: {ssid!r}")
        if ssid is None:
            ssid = parse_wifi_ssid(self._run("cmd wifi status"))
            if ssid is None:
                raise InvalidConditionError("Wi-Fi is not connected; pass ssid= to choose the saved network")
        name = ssid

        def capture() -> Callable[[], None]:
            original = self._read_metered(name) or MeteredOverride.AUTOMATIC
            return lambda: self._switch_metered(name, original)

        self._remember(f"metered:{name}", f"restore metered override of {name}", capture)
        self._switch_metered(name, override)

    # -- idle, doze, storage (ref §5) -------------------------------------------------
    def _read_screen(self) -> bool:
        return _bool_word(self._run("cmd deviceidle get screen"), "screen state")

    def _switch_screen(self, on: bool) -> None:
        self._run(["input", "keyevent", "KEYCODE_WAKEUP" if on else "KEYCODE_SLEEP"])
        self._wait(self._read_screen, lambda now: now is on, f"screen {'on' if on else 'off'}")

    def set_idle(self, idle: bool) -> None:
        """Idle (ref §5.3, §8.14): screen off (``input keyevent KEYCODE_SLEEP``, polled with
        ``cmd deviceidle get screen``), then ``cmd activity idle-maintenance`` -- only with the
        screen off does JobScheduler's idleness tracker go idle. Not idle: screen on
        (``KEYCODE_WAKEUP``). There is no shell readback of JobScheduler's own idle flag; use
        ``get-job-state`` of an idle-constrained job to confirm."""
        self._remember("screen", "restore screen", self._capture(self._read_screen, self._switch_screen))
        self._switch_screen(not idle)
        if idle:
            self._run("cmd activity idle-maintenance")

    def _read_doze(self) -> tuple[str, bool]:
        deep, forced = (self._run("cmd deviceidle get deep; cmd deviceidle get force").split() + ["", ""])[:2]
        return deep, _bool_word(forced, "deviceidle force")

    def _force_doze(self, doze: bool) -> None:
        if doze:
            answer = self._run("cmd deviceidle force-idle deep")
            if "Now forced in to deep idle mode" not in answer:
                raise ConditionError(f"cmd deviceidle force-idle deep: {answer.strip()}")
            self._wait(self._read_doze, lambda r: r[0] == "IDLE", "deep doze")
        else:
            self._run("cmd deviceidle unforce")
            self._wait(self._read_doze, lambda r: not r[1], "doze unforced")

    def set_doze(self, doze: bool) -> None:
        """Deep doze: ``cmd deviceidle force-idle deep``, poll ``get deep`` = ``IDLE``; undo:
        ``cmd deviceidle unforce``, poll ``get force`` = false (ref §5.2). After ``unforce`` the
        device leaves IDLE only if the screen is on or it is charging, as on a real device."""
        def capture() -> Callable[[], None]:
            _, forced = self._read_doze()
            return lambda: None if forced else self._force_doze(False)

        self._remember("doze", "cmd deviceidle unforce", capture)
        self._force_doze(doze)

    def _storage_readback(self) -> tuple[int, bool]:
        words = self._run("cmd jobscheduler get-storage-seq; cmd jobscheduler get-storage-not-low").split()
        if len(words) != 2:
            raise ConditionError(f"unreadable storage readback: {' '.join(words)!r}")
        return _int(words[0], "storage seq"), _bool_word(words[1], "storage not low")

    def _storage_command(self, verb: str, not_low: bool | None) -> None:
        """``cmd devicestoragemonitor VERB -f`` prints a seq; poll ``get-storage-seq`` ≥ seq (and
        ``get-storage-not-low`` when known), as CTS StorageConstraintTest (ref §5.1)."""
        answer = self._run(["cmd", "devicestoragemonitor", verb, "-f"]).strip()
        seq = int(answer) if re.fullmatch(r"-?\d+", answer) else -1
        self._wait(self._storage_readback, lambda r: r[0] >= seq and (not_low is None or r[1] is not_low),
                   f"storage {verb}")

    def set_storage_low(self, low: bool) -> None:
        """``cmd devicestoragemonitor force-low -f`` / ``force-not-low -f``; restore is
        ``reset -f`` and a wait for the original ``get-storage-not-low`` (ref §5.1)."""
        def capture() -> Callable[[], None]:
            _, original = self._storage_readback()
            return lambda: self._storage_command("reset", original)

        self._remember("storage", "cmd devicestoragemonitor reset -f", capture)
        self._storage_command("force-low" if low else "force-not-low", not low)

    # -- apps (ref §5.4, §5.5) --------------------------------------------------------
    def _read_bucket(self, package: str) -> StandbyBucket:
        return StandbyBucket.parse(_int(self._run(["am", "get-standby-bucket", package]), "standby bucket"))

    def _switch_bucket(self, package: str, bucket: StandbyBucket) -> None:
        self._run(["am", "set-standby-bucket", package, bucket.shell_name])
        self._wait(lambda: self._read_bucket(package), lambda now: now is bucket, f"{package} in bucket {bucket.name}")

    def set_standby_bucket(self, package: str, bucket: StandbyBucket | str | int) -> None:
        """``am set-standby-bucket PKG NAME`` and poll ``am get-standby-bucket PKG`` (ref §5.4).
        EXEMPTED cannot be set from the shell (only ACTIVE..NEVER are accepted)."""
        wanted = StandbyBucket.parse(bucket)
        if wanted is StandbyBucket.EXEMPTED:
            raise InvalidConditionError("the EXEMPTED standby bucket cannot be set (only ACTIVE to NEVER)")
        self._check_package(package)

        def capture() -> Callable[[], None]:
            original = self._read_bucket(package)
            return lambda: None if original is StandbyBucket.EXEMPTED else self._switch_bucket(package, original)

        self._remember(f"bucket:{package}", f"restore standby bucket of {package}", capture)
        self._switch_bucket(package, wanted)

    def _read_appop(self, package: str) -> AppOpMode:
        return parse_appop_mode(self._run(["cmd", "appops", "get", package, RUN_ANY_IN_BACKGROUND]))

    def _switch_appop(self, package: str, mode: AppOpMode) -> None:
        self._run(["cmd", "appops", "set", package, RUN_ANY_IN_BACKGROUND, mode.value])
        self._wait(lambda: self._read_appop(package),
                   lambda now: now is mode or (mode is AppOpMode.DEFAULT and now is AppOpMode.ALLOW),
                   f"{package} {RUN_ANY_IN_BACKGROUND}={mode.value}")

    def set_background_restricted(self, package: str, restricted: bool) -> None:
        """``cmd appops set PKG RUN_ANY_IN_BACKGROUND ignore|allow`` and poll ``cmd appops get``
        (ref §5.5). Restore puts the original mode back (``default`` if it was never set)."""
        self._check_package(package)

        def capture() -> Callable[[], None]:
            original = self._read_appop(package)
            return lambda: self._switch_appop(package, original)

        self._remember(f"appop:{package}", f"restore {RUN_ANY_IN_BACKGROUND} of {package}", capture)
        self._switch_appop(package, AppOpMode.IGNORE if restricted else AppOpMode.ALLOW)

    # -- reading everything -----------------------------------------------------------
    def read(self, packages: Sequence[str] = ()) -> ConditionsState:
        """Every condition in one round trip (one sectioned shell line); per-app conditions for
        ``packages`` (not validated: an unknown package reads as bucket/op defaults or fails)."""
        commands = [
            ("battery", "dumpsys battery"),
            ("js", "cmd jobscheduler get-battery-seq; cmd jobscheduler get-battery-charging; "
                   "cmd jobscheduler get-battery-not-low; cmd jobscheduler get-storage-seq; "
                   "cmd jobscheduler get-storage-not-low"),
            ("wifi", "cmd wifi status"),
            ("mobile", "settings get global mobile_data"),
            ("airplane", "cmd connectivity airplane-mode"),
            ("metered", "cmd netpolicy list wifi-networks"),
            ("idle", "cmd deviceidle get screen; cmd deviceidle get deep; cmd deviceidle get force"),
            ("saver", "settings get global low_power"),
        ]
        for index, package in enumerate(packages):
            if not isinstance(package, str) or not _PACKAGE_NAME.fullmatch(package):
                raise InvalidConditionError(f"not a package name: {package!r}")
            quoted = shlex.quote(package)  # a package name needs no quoting; this keeps it so
            commands.append((f"app{index}", f"am get-standby-bucket {quoted}; "
                                            f"cmd appops get {quoted} {RUN_ANY_IN_BACKGROUND}"))
        parts = split_sections(self.device.shell(sectioned(commands), idempotent=True).text,
                               [name for name, _ in commands])
        return _state_from(parts, packages)

    # -- helpers ----------------------------------------------------------------------
    def _command_step(self, command: str) -> Callable[[], None]:
        """A restore step that runs one command that must succeed."""
        def step() -> None:
            self._run(command)

        return step

    @staticmethod
    def _capture(read: Callable[[], bool], switch: Callable[[bool], None]) -> Callable[[], Callable[[], None]]:
        """A capture for a boolean condition: read it now, restore by switching back."""
        def capture() -> Callable[[], None]:
            original = read()
            return lambda: switch(original)

        return capture


def _require_level(level: int | None) -> int:
    if level is None:
        raise ConditionError("dumpsys battery printed no level")
    return level


def _with_zero_delay(constants: str | None) -> str:
    """``battery_stats_constants`` with ``battery_charged_delay_ms=0``, other keys kept (ref §3.4)."""
    pairs = [p for p in (constants or "").split(",") if p and not p.strip().startswith(f"{CHARGED_DELAY_KEY}=")]
    return ",".join([*pairs, f"{CHARGED_DELAY_KEY}=0"])


def _state_from(parts: dict[str, str], packages: Sequence[str]) -> ConditionsState:
    battery = parse_battery_dump(parts["battery"])
    js = parts["js"].split()
    idle = parts["idle"].split()
    if len(js) != 5 or len(idle) != 3:
        raise ConditionError(f"unreadable JobScheduler/deviceidle readback: {js!r} {idle!r}")
    status = parts["wifi"].splitlines()[:1]
    apps = []
    for index, package in enumerate(packages):
        bucket_text, _, op_text = parts[f"app{index}"].partition("\n")
        apps.append(AppConditions(package, StandbyBucket.parse(_int(bucket_text, "standby bucket")),
                                  parse_appop_mode(op_text)))
    return ConditionsState(
        battery_level=_require_level(battery.level),
        plugged=battery.plugged,
        charging=_bool_word(js[1], "charging"),
        battery_not_low=_bool_word(js[2], "battery not low"),
        storage_not_low=_bool_word(js[4], "storage not low"),
        wifi_enabled=bool(status) and _bool_word(status[0].removeprefix("Wifi is "), "wifi status"),
        wifi_ssid=parse_wifi_ssid(parts["wifi"]),
        cellular_enabled=_bool_word(parts["mobile"], "mobile_data"),
        airplane_mode=_bool_word(parts["airplane"], "airplane mode"),
        metered_overrides=parse_metered_overrides(parts["metered"]),
        screen_on=_bool_word(idle[0], "screen state"),
        deep_idle_state=idle[1],
        doze_forced=_bool_word(idle[2], "deviceidle force"),
        battery_saver=_bool_word(parts["saver"], "low_power"),
        apps=tuple(apps),
        battery_seq=_int(js[0], "battery seq"),
        storage_seq=_int(js[3], "storage seq"),
    )


__all__ = [
    "AppConditions",
    "AppOpMode",
    "Conditions",
    "ConditionsState",
    "MeteredOverride",
    "StandbyBucket",
    "adb_link_is_network",
    "wait_until",
]
