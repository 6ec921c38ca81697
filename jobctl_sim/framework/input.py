"""InputManagerService: ``input`` / ``cmd input`` and ``dumpsys input``.

Sources:

* ``services/core/java/com/android/server/input/InputShellCommand.java`` (Android 12+, where
  ``/system/bin/input`` is ``cmd input "$@"``; ``cmds/input/src/com/android/commands/input/
  Input.java`` before, same grammar): an optional source (``keyboard``, ``dpad``, ``gamepad``,
  ``touchscreen``, ``mouse``, ``stylus``, ``trackball``, ``touchpad``, ``touchnavigation``,
  ``joystick``), an optional ``-d DISPLAY``, then the command. ``keyevent [--longpress|
  --doubletap|--async|--delay MS] KEY…``; ``tap X Y``; ``swipe X1 Y1 X2 Y2 [MS]``; ``text S``;
  ``press``; ``roll DX DY``; ``motionevent``; ``keycombination``. A number that does not parse
  throws ``IllegalArgumentException("Error: Invalid arguments for command: CMD")``, a bad display
  ``Error: Invalid arguments for display ID.``, a missing argument ``Argument expected after
  "X"``: the exception is printed as every shell command's is (exit 255). No command prints the
  help on stdout (exit 0); an unknown one ``Unknown command: X`` (exit 0: ``onCommand`` ignores
  ``handleDefaultCommands``' result). Before Android 12, ``input`` alone prints the usage on
  stderr and exits 1 (Input.java).
* ``core/java/android/view/KeyEvent.java`` ``keyCodeFromString``: ``KEYCODE_X``, ``X`` or a
  decimal number; anything else is ``KEYCODE_UNKNOWN`` (0), injected and ignored.
* ``policy/PhoneWindowManager.java`` ``interceptKeyBeforeQueueing``: ``KEYCODE_POWER`` (26) puts an
  awake device to sleep and wakes a sleeping one, ``KEYCODE_SLEEP`` (223) sleeps,
  ``KEYCODE_WAKEUP`` (224) wakes; going to sleep shows the keyguard. ``KEYCODE_HOME`` (3) on an
  unlocked device brings the launcher to the front. ``KEYCODE_MENU`` (82) and an upward swipe
  dismiss the emulator's swipe lock (:mod:`.window`).
* ``services/core/jni/com_android_server_input_InputManagerService.cpp`` ``dump`` /
  ``frameworks/native/services/inputflinger``: ``INPUT MANAGER (dumpsys input)``, ``Input
  Manager State:``, ``Event Hub State:`` with the devices, ``Input Reader State``, ``Input
  Dispatcher State:`` with ``FocusedApplications:`` / ``FocusedWindows:``. The devices are the
  emulator's (``virtio_input_multi_touch_1``, ``qwerty2``, ``Power Button``).
"""

from __future__ import annotations

import re

from jobctl_sim.framework.shell_command import (
    ArgCursor,
    IllegalArgumentException,
    JavaException,
    NumberFormatException,
    java_bool,
    parse_java_int,
    parse_java_long,
    print_exception,
)
from jobctl_sim.framework.system import AndroidSystem, BinderService
from jobctl_sim.framework.window_dump import activity_record, window_string
from jobctl_sim.native.shell.command import Invocation

KEYCODE_HOME = 3
KEYCODE_POWER = 26
KEYCODE_MENU = 82
KEYCODE_SLEEP = 223
KEYCODE_WAKEUP = 224
KEYCODE_NAMES: dict[str, int] = {
    "HOME": 3, "BACK": 4, "CALL": 5, "ENDCALL": 6, "DPAD_UP": 19, "DPAD_DOWN": 20, "DPAD_LEFT": 21,
    "DPAD_RIGHT": 22, "DPAD_CENTER": 23, "VOLUME_UP": 24, "VOLUME_DOWN": 25, "POWER": 26, "CAMERA": 27,
    "TAB": 61, "SPACE": 62, "ENTER": 66, "DEL": 67, "MENU": 82, "NOTIFICATION": 83, "SEARCH": 84,
    "ESCAPE": 111, "APP_SWITCH": 187, "SLEEP": 223, "WAKEUP": 224,
}
"""The key codes of ``KeyEvent`` that test tools send (``KEYCODE_`` prefix stripped)."""
SOURCES = ("keyboard", "dpad", "gamepad", "touchscreen", "mouse", "stylus", "trackball", "touchpad",
           "touchnavigation", "joystick")
INVALID_ARGUMENTS = "Error: Invalid arguments for command: "
_JAVA_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?")


def key_code_from_string(text: str) -> int:
    name = text.removeprefix("KEYCODE_")
    if name in KEYCODE_NAMES:
        return KEYCODE_NAMES[name]
    try:
        return parse_java_int(name)
    except JavaException:
        return 0


def parse_java_float(text: str) -> float:
    """``Float.parseFloat`` (decimal forms; NumberFormatException otherwise)."""
    body = text.strip()
    if not _JAVA_FLOAT.fullmatch(body):
        raise _BadNumber(text)
    return float(body.rstrip("fFdD"))


class _BadNumber(Exception):
    """A ``NumberFormatException`` inside a command: reported as invalid arguments."""


class InputService:
    def __init__(self, system: AndroidSystem) -> None:
        self._system = system

    # ------------------------------------------------------------------ effects
    def press(self, code: int) -> None:
        power, window = self._system.power, self._system.window
        if code == KEYCODE_POWER:
            power.set_screen(not power.screen_on)
        elif code == KEYCODE_SLEEP:
            power.set_screen(False)
        elif code == KEYCODE_WAKEUP:
            power.set_screen(True)
        elif code == KEYCODE_MENU:
            window.dismiss_keyguard()
        elif code == KEYCODE_HOME and power.screen_on and not window.keyguard_showing:
            self._system.activity.top_package = None

    def swipe(self, y1: float, y2: float) -> None:
        if y2 < y1:
            self._system.window.dismiss_keyguard()

    # ------------------------------------------------------------------ the command
    def command(self, inv: Invocation) -> int:
        args = inv.args
        if not args:
            if self._system.api_level < 31:
                inv.err("Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]\n")
                return 1
            inv.out(_help())
            return 0
        try:
            return self._run(inv, ArgCursor(args, 1), args[0])
        except JavaException as exc:
            print_exception(inv, args[0], exc)
            return 255

    def _run(self, inv: Invocation, cursor: ArgCursor, arg: str) -> int:
        if arg in SOURCES:
            arg = cursor.next_arg_required()
        if arg == "-d":
            display = cursor.next_arg_required()
            if display.upper() not in ("INVALID_DISPLAY", "DEFAULT_DISPLAY"):
                try:
                    parse_java_int(display)
                except JavaException:
                    raise IllegalArgumentException("Error: Invalid arguments for display ID.") from None
            arg = cursor.next_arg_required()
        try:
            if arg == "keyevent":
                self._keyevent(cursor)
            elif arg in ("tap", "roll"):
                parse_java_float(cursor.next_arg_required())
                parse_java_float(cursor.next_arg_required())
            elif arg in ("swipe", "draganddrop"):
                _x1, y1, _x2, y2 = (parse_java_float(cursor.next_arg_required()) for _ in range(4))
                duration = cursor.next_arg()
                if duration is not None:
                    parse_java_int(duration)
                if arg == "swipe":
                    self.swipe(y1, y2)
            elif arg == "text":
                cursor.next_arg_required()
            elif arg == "press":
                pass
            elif arg in ("motionevent", "keycombination"):
                cursor.next_arg_required()
            elif arg in ("help", "-h"):
                inv.out(_help())
            else:
                inv.out(f"Unknown command: {arg}\n")
        except (_BadNumber, NumberFormatException):
            raise IllegalArgumentException(INVALID_ARGUMENTS + arg) from None
        return 0

    def _keyevent(self, cursor: ArgCursor) -> None:
        arg: str | None = cursor.next_arg_required()
        while arg is not None and arg.startswith("--"):
            if arg == "--delay":
                parse_java_long(cursor.next_arg_required())
            arg = cursor.next_arg()
        while arg is not None:
            self.press(key_code_from_string(arg))
            arg = cursor.next_arg()

    # ------------------------------------------------------------------ dumpsys input
    def dump(self, inv: Invocation) -> int:
        wm = self._system.window
        size = wm.physical_size
        focus = window_string(wm.focused_window_title())
        app = activity_record(wm.focused_app(), 12 if wm.focused_component() else 1)
        inv.out(
            "INPUT MANAGER (dumpsys input)\n\n"
            "Input Manager State:\n"
            f"  Interactive: {java_bool(wm.screen_on)}\n"
            "  System UI Lights Out: false\n"
            "  Pointer Speed: 0\n"
            "  Pointer Gestures Enabled: true\n"
            "  Show Touches: false\n"
            "  Pointer Capture: Disabled, seq=0\n\n"
            "Event Hub State:\n"
            "  BuiltInKeyboardId: -2\n"
            "  Devices:\n"
            "    -1: Virtual\n"
            "      Classes: KEYBOARD | ALPHAKEY | VIRTUAL\n"
            "      Path: <virtual>\n"
            "    1: Power Button\n"
            "      Classes: KEYBOARD\n"
            "      Path: /dev/input/event0\n"
            "    2: qwerty2\n"
            "      Classes: KEYBOARD | ALPHAKEY | DPAD\n"
            "      Path: /dev/input/event1\n"
            "    3: virtio_input_multi_touch_1\n"
            "      Classes: TOUCH | TOUCH_MT\n"
            "      Path: /dev/input/event2\n\n"
            "Input Reader State (Nums of device: 4):\n"
            "  Device -1: Virtual\n"
            "    Sources: KEYBOARD\n"
            "  Device 1: Power Button\n"
            "    Sources: KEYBOARD\n"
            "  Device 2: qwerty2\n"
            "    Sources: KEYBOARD | DPAD\n"
            "  Device 3: virtio_input_multi_touch_1\n"
            "    Sources: TOUCHSCREEN\n"
            f"    Viewport INTERNAL: displayId=0, orientation=0, logicalFrame=[0, 0, {size.width}, "
            f"{size.height}], physicalFrame=[0, 0, {size.width}, {size.height}], deviceSize=[{size.width}, "
            f"{size.height}]\n\n"
            "Input Dispatcher State:\n"
            "  DispatchEnabled: true\n"
            "  DispatchFrozen: false\n"
            "  InputFilterEnabled: false\n"
            "  FocusedDisplayId: 0\n"
            "  FocusedApplications:\n"
            f"    displayId=0, name='{app}', dispatchingTimeout=5000ms\n"
            "  FocusedWindows:\n"
            f"    displayId=0, name='{focus.removeprefix('Window{').removesuffix('}')}'\n"
        )
        return 0


def _help() -> str:
    return (
        "Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]\n\n"
        "The sources are: \n" + "".join(f"      {s}\n" for s in SOURCES) + "\n"
        "-d: specify the display ID.\n      (Default: -1 for key event, 0 for motion event if not specified.)\n"
        "The commands and default sources are:\n"
        "      text <string> (Default: touchscreen)\n"
        "      keyevent [--longpress|--doubletap|--async|--delay <duration between keycodes in ms>] "
        "<key code number or name> ... (Default: keyboard)\n"
        "      tap <x> <y> (Default: touchscreen)\n"
        "      swipe <x1> <y1> <x2> <y2> [duration(ms)] (Default: touchscreen)\n"
        "      draganddrop <x1> <y1> <x2> <y2> [duration(ms)] (Default: touchscreen)\n"
        "      press (Default: trackball)\n"
        "      roll <dx> <dy> (Default: trackball)\n"
        "      motionevent <DOWN|UP|MOVE|CANCEL> <x> <y> (Default: touchscreen)\n"
        "      keycombination [-t duration(ms)] <key code 1> <key code 2> ... "
        "(Default: keyboard, the key order is important here.)\n"
    )


def install(system: AndroidSystem) -> InputService:
    service = InputService(system)
    shell = service.command if system.api_level >= 31 else None
    system.add_binder_service(BinderService("input", shell_command=shell, dump=service.dump))
    system.device.commands.register("input", service.command)
    return service


__all__ = ["InputService", "install", "key_code_from_string"]
