"""Network: Wi-Fi, mobile data, airplane mode and metered overrides (ref §4).

Cutting the network adb itself runs over (adb over Wi-Fi, wireless debugging) is refused unless
the caller says ``force``.
"""

from __future__ import annotations


from bridge.conditions.base import ConditionsBase, RestoreStep, on_off
from bridge.conditions.originals import METERED_RECORD
from bridge.conditions.reading import AIRPLANE_READBACK
from bridge.errors import InvalidConditionError, NetworkCutRiskError
from bridge.parsers import MeteredOverride, bool_word, parse_metered_overrides, parse_wifi_enabled, parse_wifi_ssid


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
    import ipaddress  # here: most commands never ask (issue 16: start-up)

    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a host name: assume it is reached over the network


def check_ssid(ssid: object) -> str:
    """``ssid`` if ``cmd netpolicy list wifi-networks`` can print it back (one line, trimmed)."""
    if not isinstance(ssid, str) or not ssid or ssid != ssid.strip() or len(ssid.splitlines()) != 1 or "\0" in ssid:
        # `cmd netpolicy list wifi-networks` prints one network per line, trimmed: such a
        # name could be set but never read back (or restored).
        raise InvalidConditionError(f"an SSID must be one line without leading or trailing blanks: {ssid!r}")
    return ssid


class NetworkConditions(ConditionsBase):
    """Wi-Fi, mobile data, airplane mode, metered overrides."""

    def _check_network_cut(self, what: str, force: bool) -> None:
        """Refuse to cut Wi-Fi under an adb-over-Wi-Fi link unless ``force`` (ref §4)."""
        if not force and adb_link_is_network(self.device.serial):
            raise NetworkCutRiskError(
                f"{what} would cut the network adb reaches {self.device.serial} over; pass force=True to do it anyway"
            )

    def _read_wifi(self) -> bool:
        return parse_wifi_enabled(self._run("cmd wifi status"))

    def _switch_wifi(self, enabled: bool) -> None:
        self._run(["svc", "wifi", "enable" if enabled else "disable"])
        self._wait(self._read_wifi, lambda on: on is enabled, "wifi enabled", wanted=on_off(enabled))

    def set_wifi(self, enabled: bool, *, force: bool = False) -> None:
        """``svc wifi enable|disable`` and poll ``cmd wifi status`` (ref §4). Turning Wi-Fi off
        under an adb-over-Wi-Fi link raises :class:`NetworkCutRiskError` unless ``force``."""
        if not enabled:
            self._check_network_cut("turning Wi-Fi off", force)
        self._remember("wifi", "restore Wi-Fi", self._capture(self._read_wifi, self._switch_wifi))
        self._switch_wifi(enabled)

    def _read_cellular(self) -> bool:
        return bool_word(self._run("settings get global mobile_data"), "mobile_data")

    def _switch_cellular(self, enabled: bool) -> None:
        self._run(["svc", "data", "enable" if enabled else "disable"])
        self._wait(self._read_cellular, lambda on: on is enabled, "mobile data", wanted=on_off(enabled))

    def set_cellular(self, enabled: bool) -> None:
        """``svc data enable|disable`` and poll ``settings get global mobile_data`` (ref §4; the
        setting as readback is [I])."""
        self._remember("cellular", "restore mobile data", self._capture(self._read_cellular, self._switch_cellular))
        self._switch_cellular(enabled)

    def _read_airplane(self) -> bool:
        return bool_word(self._run(AIRPLANE_READBACK), "airplane mode")

    def _switch_airplane(self, enabled: bool) -> None:
        self._run(["cmd", "connectivity", "airplane-mode", "enable" if enabled else "disable"])
        self._wait(self._read_airplane, lambda on: on is enabled, "airplane mode", wanted=on_off(enabled))

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
        self._wait(lambda: self._read_metered(ssid), lambda now: now is override, f"metered override of {ssid}",
                   wanted=override.value, seen=lambda now: now.value if now is not None else "none")

    def set_metered(self, metered: bool | None, *, ssid: str | None = None) -> None:
        """Override the metered flag of a saved Wi-Fi network (the connected one by default):
        ``cmd netpolicy set metered-network SSID true|false|none`` (``None`` = automatic), then
        poll ``cmd netpolicy list wifi-networks`` (ref §4)."""
        override = MeteredOverride.of(metered)
        if ssid is not None:
            name = check_ssid(ssid)
        else:
            connected = parse_wifi_ssid(self._run("cmd wifi status"))
            if connected is None:
                raise InvalidConditionError("Wi-Fi is not connected; pass ssid= to choose the saved network")
            name = connected

        def capture() -> RestoreStep:
            original = self._read_metered(name) or MeteredOverride.AUTOMATIC
            return lambda: self._switch_metered(name, original)

        self._record_original(METERED_RECORD, "cmd netpolicy list wifi-networks")
        self._remember(f"metered:{name}", f"restore metered override of {name}", capture)
        self._switch_metered(name, override)
