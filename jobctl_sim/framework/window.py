"""WindowManagerService: the display's size and density (``wm``/``cmd window``), the keyguard,
and ``dumpsys window``.

Sources (``frameworks/base/services/core/java/com/android/server/``):

* ``wm/WindowManagerShellCommand.java``: ``size [reset|WxH|WdpxHdp] [-d DISPLAY_ID]`` prints
  ``Physical size: WxH`` and, when forced, ``Override size: WxH``; ``density`` likewise
  (``Physical density: D`` / ``Override density: D``). A size without an inner ``x`` prints
  ``Error: bad size S``; a part that is not a number ``Error: bad number
  java.lang.NumberFormatException: For input string: "X"``; a density below 72 ``Error: density
  must be >= 72``; all on stderr, returning -1 (exit 255). ``-d N`` picks the display; a bad
  number there prints ``Error: bad number …`` and keeps display 0. ``dismiss-keyguard`` prints
  nothing. ``/system/bin/wm`` is ``cmd window "$@"``.
* ``wm/WindowManagerService.java`` ``getInitialDisplaySize``/``getBaseDisplaySize``: a display
  that does not exist leaves the point at ``0x0``; ``getInitialDisplayDensity`` returns -1 for it.
* ``wm/DisplayContent.java`` ``setForcedSize``: a size equal to the initial one clears the
  override; otherwise each side is clamped to [200, longest side * 3] (Android 12+; ``* 2`` of
  the same side before [I for the level]). ``dump``: ``init=WxH Ddpi`` then `` base=WxH Ddpi``
  when forced, then `` cur=WxH app=WxH`` -- the line tools read the size from
  (appium-adb ``lockmgmt`` matches ``init=(\\d+)x(\\d+)``).
* ``WindowManagerService.setForcedDisplayDensityForUser`` stores the override in
  ``Settings.Secure.DISPLAY_DENSITY_FORCED`` (``display_density_forced``), so it survives reboots.
* Lock state: ``policy/PhoneWindowManager.java`` (Android 8-10) prints ``mShowingDream=false
  mDreamingLockscreen=B mDreamingSleepToken=null`` and ``mStatusBar=Window{…} isStatusBarKeyguard=B``;
  ``wm/DisplayPolicy.java`` (11+) ``mShowingDream=false mDreamingLockscreen=B`` and
  ``isKeyguardShowing=B``; ``policy/keyguard/KeyguardServiceDelegate.java`` ``dump``
  (``showing=``, ``screenState=SCREEN_STATE_ON|OFF``, ``interactiveState=…``) with
  ``KeyguardStateMonitor`` (``mIsShowing=``, ``mInputRestricted=``), in the layout of the
  captures in appium-adb's ``test/unit/lockmgmt.spec.ts``. ``mShowingLockscreen`` was printed
  before Android 8 only, so no modelled level prints it.
* The keyguard (``KeyguardViewMediator``): shown when the device goes to sleep and after boot;
  the emulator's lock is a swipe (not secure), which ``wm dismiss-keyguard``, ``KEYCODE_MENU``
  (``KeyguardHostView.handleMenuKey``: the menu key dismisses an insecure keyguard unless
  ``config_disableMenuKeyInLockScreen``) or an upward swipe dismiss while the screen is on.

The physical display is the default AVD's: 1080x2400 at 420 dpi from API 30 (``medium_phone``),
1080x1920 at 420 dpi before (``pixel_2``).
"""

from __future__ import annotations

from dataclasses import dataclass

from jobctl_sim.framework.shell_command import (
    ERROR,
    ArgCursor,
    IllegalArgumentException,
    NumberFormatException,
    VerbTable,
    full_component,
    java_bool,
    parse_java_int,
)
from jobctl_sim.framework.system import AndroidSystem, BinderService, Change, Topic
from jobctl_sim.framework.window_dump import WindowDump
from jobctl_sim.native.shell.command import Invocation

DEFAULT_DISPLAY = 0
DENSITY_DEFAULT = 160
"""``DisplayMetrics.DENSITY_DEFAULT``: what ``dp`` sizes scale from."""
MIN_FORCED_SIZE = 200
DENSITY_FORCED_SETTING = "display_density_forced"


@dataclass(frozen=True)
class DisplaySize:
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


class WindowManagerService:
    """Display metrics with their overrides, and the keyguard."""

    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        api = system.api_level
        self.physical_size = DisplaySize(1080, 2400) if api >= 30 else DisplaySize(1080, 1920)
        self.physical_density = 420
        self.forced_size: DisplaySize | None = None
        self.keyguard_showing = True
        """The lock screen is up (the emulator boots to it)."""
        self.keyguard_secure = False
        system.subscribe(self._on_change)

    # ------------------------------------------------------------------ facts
    @property
    def forced_density(self) -> int | None:
        value = self._system.settings.get("secure", DENSITY_FORCED_SETTING)
        try:
            return int(value) if value else None
        except ValueError:
            return None

    @property
    def size(self) -> DisplaySize:
        """The logical display size (the override if any): what apps and ``screencap`` get."""
        return self.forced_size or self.physical_size

    @property
    def density(self) -> int:
        return self.forced_density or self.physical_density

    @property
    def screen_on(self) -> bool:
        return bool(self._system.power.screen_on)

    def focused_component(self) -> str | None:
        """The resumed activity (``pkg/cls``), or the launcher's when no app is on top."""
        activity = self._system.activity
        component = getattr(activity, "top_component", None)
        if activity.top_package is not None and component:
            return str(component)
        return None

    def home_component(self) -> str:
        if self._system.api_level >= 29:
            return "com.android.launcher3/com.android.launcher3.uioverrides.QuickstepLauncher"
        return "com.android.launcher3/com.android.launcher3.Launcher"

    def focused_app(self) -> str:
        return self.focused_component() or self.home_component()

    def focused_window_title(self) -> str:
        """The title of the window with input focus: the lock screen's while it is up."""
        if self.keyguard_showing:
            return "NotificationShade" if self._system.api_level >= 30 else "StatusBar"
        return full_component(self.focused_app())

    # ------------------------------------------------------------------ keyguard
    def _on_change(self, change: Change) -> None:
        if change.topic is Topic.SCREEN and not change.detail.get("on", True):
            self.lock()
        elif change.topic is Topic.BOOT_COMPLETED:
            self.keyguard_showing = True

    def lock(self) -> None:
        if not self.keyguard_showing:
            self.keyguard_showing = True
            self._system.log("I", "KeyguardViewMediator", "doKeyguard: showing the lock screen")

    def dismiss_keyguard(self) -> bool:
        """An insecure keyguard goes away while the screen is on; True if it did."""
        if self.keyguard_showing and not self.keyguard_secure and self.screen_on:
            self.keyguard_showing = False
            self._system.log("I", "KeyguardViewMediator", "handleHide")
            return True
        return False

    # ------------------------------------------------------------------ cmd window
    def _display_id(self, inv: Invocation, cursor: ArgCursor, first: str | None) -> int:
        """``getDisplayId``: ``-d N`` either as the first argument or as the next option."""
        option = first if first == "-d" else cursor.next_option()
        if option == "-d":
            try:
                return parse_java_int(cursor.next_arg_required())
            except NumberFormatException as exc:
                inv.err(f"Error: bad number {exc}\n")
            except IllegalArgumentException as exc:
                inv.err(f"Error: {exc}\n")
        return DEFAULT_DISPLAY

    def _parse_dimension(self, text: str) -> int:
        if text.endswith("px"):
            return parse_java_int(text[:-2])
        if text.endswith("dp"):
            return parse_java_int(text[:-2]) * self.density // DENSITY_DEFAULT
        return parse_java_int(text)

    def _clamped(self, width: int, height: int) -> DisplaySize | None:
        initial = self.physical_size
        if (width, height) == (initial.width, initial.height):
            return None
        if self._system.api_level >= 31:
            top = max(initial.width, initial.height) * 3
            return DisplaySize(min(max(width, MIN_FORCED_SIZE), top), min(max(height, MIN_FORCED_SIZE), top))
        return DisplaySize(min(max(width, MIN_FORCED_SIZE), initial.width * 2),
                           min(max(height, MIN_FORCED_SIZE), initial.height * 2))

    def _verb_size(self, inv: Invocation, cursor: ArgCursor) -> int:
        size = cursor.next_arg()
        display = self._display_id(inv, cursor, size)
        if size is None or size == "-d":
            if display != DEFAULT_DISPLAY:
                inv.out("Physical size: 0x0\n")
                return 0
            inv.out(f"Physical size: {self.physical_size}\n")
            if self.forced_size is not None:
                inv.out(f"Override size: {self.forced_size}\n")
            return 0
        if size == "reset":
            if display == DEFAULT_DISPLAY:
                self.forced_size = None
            return 0
        div = size.find("x")
        if div <= 0 or div >= len(size) - 1:
            inv.err(f"Error: bad size {size}\n")
            return ERROR
        try:
            width = self._parse_dimension(size[:div])
            height = self._parse_dimension(size[div + 1:])
        except NumberFormatException as exc:
            inv.err(f"Error: bad number {exc}\n")
            return ERROR
        if display == DEFAULT_DISPLAY:
            self.forced_size = self._clamped(width, height) if width >= 0 and height >= 0 else None
        return 0

    def _verb_density(self, inv: Invocation, cursor: ArgCursor) -> int:
        text = cursor.next_arg()
        display = self._display_id(inv, cursor, text)
        if text is None or text == "-d":
            if display != DEFAULT_DISPLAY:
                inv.out("Physical density: -1\n")
                return 0
            inv.out(f"Physical density: {self.physical_density}\n")
            if self.density != self.physical_density:
                inv.out(f"Override density: {self.density}\n")
            return 0
        density = -1
        if text != "reset":
            try:
                density = parse_java_int(text)
            except NumberFormatException as exc:
                inv.err(f"Error: bad number {exc}\n")
                return ERROR
            if density < 72:
                inv.err("Error: density must be >= 72\n")
                return ERROR
        if display == DEFAULT_DISPLAY:
            forced = str(density) if density > 0 and density != self.physical_density else None
            self._system.settings.put("secure", DENSITY_FORCED_SETTING, forced)
        return 0

    def _verb_dismiss_keyguard(self, inv: Invocation, cursor: ArgCursor) -> int:
        self.dismiss_keyguard()
        return 0

    def verb_table(self) -> VerbTable:
        return VerbTable({"size": self._verb_size, "density": self._verb_density,
                          "dismiss-keyguard": self._verb_dismiss_keyguard}, _help)

    async def shell_command(self, inv: Invocation) -> int:
        return await self.verb_table().run(inv, inv.args)

    async def wm_command(self, inv: Invocation) -> int:
        """``/system/bin/wm``: ``cmd window "$@"``."""
        return await self.shell_command(inv)

    def dump(self, inv: Invocation) -> int:
        return WindowDump(self, self._system).run(inv)

    def keyguard_lines(self, prefix: str) -> list[str]:
        """``KeyguardServiceDelegate.dump`` with its ``KeyguardStateMonitor``."""
        showing = java_bool(self.keyguard_showing)
        inner = prefix + "  "
        screen = "SCREEN_STATE_ON" if self.screen_on else "SCREEN_STATE_OFF"
        interactive = "INTERACTIVE_STATE_AWAKE" if self.screen_on else "INTERACTIVE_STATE_SLEEP"
        return [
            f"{prefix}KeyguardServiceDelegate",
            f"{inner}showing={showing}", f"{inner}showingAndNotOccluded={showing}",
            f"{inner}inputRestricted={showing}", f"{inner}occluded=false",
            f"{inner}secure={java_bool(self.keyguard_secure)}", f"{inner}dreaming=false",
            f"{inner}systemIsReady=true", f"{inner}deviceHasKeyguard=true", f"{inner}enabled=true",
            f"{inner}offReason=OFF_BECAUSE_OF_USER", f"{inner}currentUser=-10000", f"{inner}bootCompleted=true",
            f"{inner}screenState={screen}", f"{inner}interactiveState={interactive}",
            f"{inner}KeyguardStateMonitor",
            f"{inner}  mIsShowing={showing}", f"{inner}  mSimSecure=false",
            f"{inner}  mInputRestricted={showing}", f"{inner}  mTrusted=false", f"{inner}  mCurrentUserId=0",
        ]


def _help() -> str:
    return (
        "Window manager (window) commands:\n"
        "  help\n"
        "      Print this help text.\n"
        "  size [reset|WxH|WdpxHdp] [-d DISPLAY_ID]\n"
        "    Return or override display size.\n"
        "    width and height in pixels unless suffixed with 'dp'.\n"
        "  density [reset|DENSITY] [-d DISPLAY_ID]\n"
        "    Return or override display density.\n"
        "  dismiss-keyguard\n"
        "    Dismiss the keyguard, prompting user for auth if necessary.\n"
    )


def install(system: AndroidSystem) -> WindowManagerService:
    service = WindowManagerService(system)
    system.window = service
    system.add_binder_service(BinderService("window", shell_command=service.shell_command, dump=service.dump))
    system.device.commands.register("wm", service.wm_command)
    return service


__all__ = ["DisplaySize", "WindowManagerService", "install"]
