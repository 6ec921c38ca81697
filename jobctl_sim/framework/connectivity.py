"""Wi-Fi, mobile data, airplane mode and metered overrides (shell ref §4).

Sources:

* ``frameworks/base/cmds/svc/svc`` (Android 12+): ``svc wifi enable|disable`` execs
  ``cmd wifi set-wifi-enabled enabled|disabled``; ``svc data enable|disable`` execs ``cmd phone
  data enable|disable``; anything else prints the usage block (``Control the Wi-Fi manager`` …)
  on stdout and exits 1. Older levels ran the Java ``svc`` with the same usage text [I for its
  stream/exit on ≤11, modelled the same].
* Connectivity module ``ConnectivityService`` shell (Android 11+): ``airplane-mode`` prints
  ``enabled``/``disabled``; ``airplane-mode enable|disable`` prints nothing.
* ``NetworkPolicyManagerShellCommand.java``: ``set metered-network SSID true|false|none``,
  ``list wifi-networks`` (``ssid;true|false|none``), ``get|set restrict-background``
  (``Restrict background status: enabled|disabled``).
* ``WifiShellCommand`` (Android 11+): ``set-wifi-enabled enabled|disabled``; ``status`` starts
  with ``Wifi is enabled`` / ``Wifi is disabled`` [I for the rest of the text].

Who may: ``set-wifi-enabled`` is one of ``WifiShellCommand``'s ``NON_PRIVILEGED_COMMANDS``;
``WifiServiceImpl.setWifiEnabled`` then ``enforceCallingOrSelfPermission(CHANGE_WIFI_STATE,
"WifiService")`` (an app that does not ask for it: ``WifiService: Neither user U nor current process
has android.permission.CHANGE_WIFI_STATE.``; one that does is let through [I: the app-op check
against the shell's package name that follows is not modelled]). ``cmd phone data`` calls
``enableDataConnectivity``/``disableDataConnectivity``: ``enforceModifyPermission``,
``MODIFY_PHONE_STATE``. Both are SecurityExceptions printed as ``Exception occurred while
executing 'VERB':``, exit 255, and ``svc`` (Android 12+) exits with ``cmd``'s status. On Android 11
and before the Java ``svc`` is not checked here [I].

The default network: Wi-Fi when enabled (it connects at once to the saved network
``AndroidWifi``), else cellular when data is on and airplane mode is off. Wi-Fi is unmetered
unless its SSID's override says metered; cellular is metered. Airplane mode turns Wi-Fi off
(Wi-Fi may be turned back on inside it, as CTS does) and restores it when it ends.
Radio state persists across reboots (``wifi_on``, ``airplane_mode_on``, ``mobile_data``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jobctl_sim.framework.permissions import enforce
from jobctl_sim.framework.shell_command import (
    ERROR,
    ArgCursor,
    JavaException,
    VerbTable,
    java_bool,
    print_exception,
)
from jobctl_sim.framework.system import AndroidSystem, BinderService, Change, NetworkFacts, Topic
from jobctl_sim.native.shell.command import Invocation

WIFI_SSID = "AndroidWifi"


@dataclass(frozen=True)
class _Link:
    network_id: int
    transport: str


class ConnectivityService:
    """Implements :class:`~jobctl_sim.framework.system.ConnectivityFacts`."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        settings = system.settings
        self.airplane_mode = settings.get("global", "airplane_mode_on") == "1"
        self.wifi_enabled = settings.get("global", "wifi_on") == "1" and not self.airplane_mode
        self.mobile_data_enabled = settings.get("global", "mobile_data") == "1"
        self.roaming = False
        """Test hook: the cellular network reports roaming."""
        self.metered_overrides: dict[str, str] = {WIFI_SSID: "none"}
        self.restrict_background = False
        self._wifi_before_airplane = self.wifi_enabled
        self._next_id = 100
        self._links: dict[str, _Link] = {}
        self._sync_links(publish=False)

    # ------------------------------------------------------------------ facts
    def default_network(self) -> NetworkFacts | None:
        for transport in ("wifi", "cellular"):
            link = self._links.get(transport)
            if link is not None:
                return NetworkFacts(link.network_id, transport, self._metered(transport), self._roaming(transport),
                                    True)
        return None

    def _metered(self, transport: str) -> bool:
        if transport == "cellular":
            return True
        return self.metered_overrides.get(WIFI_SSID, "none") == "true"

    def _roaming(self, transport: str) -> bool:
        return transport == "cellular" and self.roaming

    # ------------------------------------------------------------------ changes
    def _sync_links(self, publish: bool = True) -> None:
        wanted = {
            "wifi": self.wifi_enabled,
            "cellular": self.mobile_data_enabled and not self.airplane_mode,
        }
        changed = False
        for transport, up in wanted.items():
            if up and transport not in self._links:
                self._links[transport] = _Link(self._next_id, transport)
                self._next_id += 1
                changed = True
            elif not up and transport in self._links:
                del self._links[transport]
                changed = True
        if changed and publish:
            self.publish()

    def publish(self) -> None:
        network = self.default_network()
        self._system.publish(Change(Topic.CONNECTIVITY, detail={"default": network}))

    def set_wifi(self, enabled: bool) -> None:
        self.wifi_enabled = enabled
        self._system.settings.put("global", "wifi_on", "1" if enabled else "0")
        self._sync_links()

    def set_mobile_data(self, enabled: bool) -> None:
        self.mobile_data_enabled = enabled
        self._system.settings.put("global", "mobile_data", "1" if enabled else "0")
        self._sync_links()

    def set_airplane(self, enabled: bool) -> None:
        if enabled == self.airplane_mode:
            return
        self.airplane_mode = enabled
        self._system.settings.put("global", "airplane_mode_on", "1" if enabled else "0")
        if enabled:
            self._wifi_before_airplane = self.wifi_enabled
            self.wifi_enabled = False
        else:
            self.wifi_enabled = self.wifi_enabled or self._wifi_before_airplane
        self._sync_links()

    def set_roaming(self, roaming: bool) -> None:
        """Test hook."""
        self.roaming = roaming
        if "cellular" in self._links:
            self.publish()

    # ------------------------------------------------------------------ svc
    def svc_command(self, inv: Invocation) -> int:
        args = inv.args
        what, action = ([*args, None, None])[:2]
        if what == "wifi":
            if action in ("enable", "disable"):
                if not self._svc_allowed(inv, "set-wifi-enabled", self._enforce_wifi):
                    return ERROR & 0xFF
                self.set_wifi(action == "enable")
                return 0
            inv.out("Control the Wi-Fi manager\n\nusage: svc wifi [enable|disable]\n         Turn Wi-Fi on or off.\n\n")
            return 1
        if what == "data":
            if action in ("enable", "disable"):
                if not self._svc_allowed(inv, "data", self._enforce_phone):
                    return ERROR & 0xFF
                self.set_mobile_data(action == "enable")
                return 0
            inv.out("Enable/Disable Mobile Data Connectivity\n\nusage: svc data [enable|disable]\n\n")
            return 1
        if what in ("power", "usb", "nfc", "bluetooth", "system_server"):
            return 0
        inv.out(
            "Available commands:\n"
            "    help     Show information about the subcommands\n"
            "    power    Control the power manager\n"
            "    data     Control mobile data connectivity\n"
            "    wifi     Control the Wi-Fi manager\n"
            "    usb      Control Usb state\n"
            "    nfc      Control NFC functions\n"
            "    bluetooth Control Bluetooth service\n"
        )
        return 0

    def _svc_allowed(self, inv: Invocation, verb: str, check: Callable[[Invocation], None]) -> bool:
        """Android 12+ ``svc`` execs ``cmd``: a refused caller sees ``cmd``'s exception text."""
        if self._system.api_level < 31:
            return True
        try:
            check(inv)
        except JavaException as exc:
            print_exception(inv, verb, exc)
            return False
        return True

    def _enforce_wifi(self, inv: Invocation) -> None:
        enforce(self._system.packages, inv, "android.permission.CHANGE_WIFI_STATE", "WifiService")

    def _enforce_phone(self, inv: Invocation) -> None:
        enforce(self._system.packages, inv, "android.permission.MODIFY_PHONE_STATE")

    # ------------------------------------------------------------------ cmd wifi / phone / connectivity / netpolicy
    def _verb_set_wifi_enabled(self, inv: Invocation, cursor: ArgCursor) -> int:
        value = cursor.next_arg()
        if value not in ("enabled", "disabled"):
            inv.err("Invalid argument to 'set-wifi-enabled' - must be 'enabled' or 'disabled'\n")
            return ERROR
        self._enforce_wifi(inv)
        self.set_wifi(value == "enabled")
        return 0

    def _verb_wifi_status(self, inv: Invocation, cursor: ArgCursor) -> int:
        if not self.wifi_enabled:
            inv.out("Wifi is disabled\n")
            return 0
        link = self._links.get("wifi")
        inv.out("Wifi is enabled\n")
        if link is not None:
            inv.out(f'Wifi is connected to "{WIFI_SSID}"\n')
            inv.out(f'WifiInfo: SSID: "{WIFI_SSID}", BSSID: 00:13:10:85:fe:01, Supplicant state: COMPLETED, '
                    "Link speed: 54Mbps, Frequency: 2447MHz, Net ID: 0, "
                    f"Metered hint: {java_bool(self._metered('wifi'))}\n")
        return 0

    async def wifi_command(self, inv: Invocation) -> int:
        verbs = {"status": self._verb_wifi_status}
        if self._system.api_level >= 30:
            verbs["set-wifi-enabled"] = self._verb_set_wifi_enabled
        return await VerbTable(verbs, _wifi_help).run(inv, inv.args)

    def _verb_phone_data(self, inv: Invocation, cursor: ArgCursor) -> int:
        value = cursor.next_arg()
        if value not in ("enable", "disable"):
            inv.out("Data Test Mode Commands:\n  data enable: Enables mobile data.\n"
                    "  data disable: Disables mobile data.\n")
            return ERROR
        self._enforce_phone(inv)
        self.set_mobile_data(value == "enable")
        return 0

    async def phone_command(self, inv: Invocation) -> int:
        return await VerbTable({"data": self._verb_phone_data}, _phone_help).run(inv, inv.args)

    def _verb_airplane(self, inv: Invocation, cursor: ArgCursor) -> int:
        value = cursor.next_arg()
        if value is None:
            inv.out("enabled\n" if self.airplane_mode else "disabled\n")
            return 0
        if value not in ("enable", "disable"):
            inv.err(f"Unsupported argument: {value}\n")
            return ERROR
        self.set_airplane(value == "enable")
        return 0

    async def connectivity_command(self, inv: Invocation) -> int:
        verbs = {"airplane-mode": self._verb_airplane} if self._system.api_level >= 30 else {}
        return await VerbTable(verbs, _connectivity_help).run(inv, inv.args)

    def connectivity_dump(self, inv: Invocation) -> int:
        network = self.default_network()
        inv.out(f"Active default network: {network.network_id if network else 'none'}\n\nCurrent Networks:\n")
        for transport, link in self._links.items():
            caps = []
            if not self._metered(transport):
                caps.append("NOT_METERED")
            caps += ["INTERNET", "NOT_RESTRICTED", "TRUSTED", "NOT_VPN", "VALIDATED"]
            if not self._roaming(transport):
                caps.append("NOT_ROAMING")
            caps += ["FOREGROUND", "NOT_CONGESTED", "NOT_SUSPENDED"]
            kind = "WIFI" if transport == "wifi" else "MOBILE"
            inv.out(
                f"  NetworkAgentInfo{{network{{{link.network_id}}}  handle{{{link.network_id * 4294967296 + 0xDDDD}}}  "
                f"ni{{{kind} CONNECTED extra: }}  Score(...)  everValidated{{true}}  lastValidated{{true}}  "
                f"nc{{[ Transports: {transport.upper() if transport == 'wifi' else 'CELLULAR'} "
                f"Capabilities: {'&'.join(caps)} ]}}}}\n"
            )
        return 0

    def _bool_arg(self, inv: Invocation, cursor: ArgCursor) -> str | None:
        value = cursor.next_arg()
        if value is None:
            inv.out("Error: didn't specify BOOLEAN\n")
            return None
        return value

    def _verb_netpolicy_set(self, inv: Invocation, cursor: ArgCursor) -> int:
        kind = cursor.next_arg()
        if kind is None:
            inv.out("Error: didn't specify type of data to set\n")
            return ERROR
        if kind == "metered-network":
            ssid = cursor.next_arg()
            if ssid is None:
                inv.out("Error: didn't specify networkId\n")
                return ERROR
            value = self._bool_arg(inv, cursor)
            if value is None:
                return ERROR
            self.metered_overrides[ssid] = value if value in ("true", "false") else "none"
            if ssid == WIFI_SSID and "wifi" in self._links:
                self.publish()
            return 0
        if kind == "restrict-background":
            value = self._bool_arg(inv, cursor)
            if value is None:
                return ERROR
            self.restrict_background = value == "true"
            return 0
        inv.out(f"Error: unknown set type '{kind}'\n")
        return ERROR

    def _verb_netpolicy_get(self, inv: Invocation, cursor: ArgCursor) -> int:
        kind = cursor.next_arg()
        if kind == "restrict-background":
            inv.out(f"Restrict background status: {'enabled' if self.restrict_background else 'disabled'}\n")
            return 0
        inv.out("Error: didn't specify type of data to get\n" if kind is None
                else f"Error: unknown get type '{kind}'\n")
        return ERROR

    def _verb_netpolicy_list(self, inv: Invocation, cursor: ArgCursor) -> int:
        kind = cursor.next_arg()
        if kind == "wifi-networks":
            for ssid, value in sorted(self.metered_overrides.items()):
                inv.out(f"{ssid};{value}\n")
            return 0
        inv.out("Error: didn't specify type of data to list\n" if kind is None
                else f"Error: unknown list type '{kind}'\n")
        return ERROR

    async def netpolicy_command(self, inv: Invocation) -> int:
        verbs = {"set": self._verb_netpolicy_set, "get": self._verb_netpolicy_get, "list": self._verb_netpolicy_list}
        return await VerbTable(verbs, _netpolicy_help).run(inv, inv.args)


def _wifi_help() -> str:
    return "Wi-Fi (wifi) commands:\n  help or -h\n    Print this help text.\n"


def _phone_help() -> str:
    return "Telephony Commands:\n  help\n    Print this help text.\n"


def _connectivity_help() -> str:
    return ("Connectivity service commands:\n  help\n    Print this help text.\n"
            "  airplane-mode [enable|disable]\n    Turn airplane mode on or off.\n")


def _netpolicy_help() -> str:
    return "Network policy manager (netpolicy) commands:\n  help\n    Print this help text.\n"


def install(system: AndroidSystem) -> ConnectivityService:
    service = ConnectivityService(system)
    system.connectivity = service
    system.add_binder_service(BinderService("connectivity", shell_command=service.connectivity_command,
                                            dump=service.connectivity_dump))
    system.add_binder_service(BinderService("wifi", shell_command=service.wifi_command))
    system.add_binder_service(BinderService("phone", shell_command=service.phone_command))
    system.add_binder_service(BinderService("netpolicy", shell_command=service.netpolicy_command))
    system.device.commands.register("svc", service.svc_command)
    return service
