"""``dumpsys window``: the sections of ``WindowManagerService.doDump`` that tools read.

Sources (``frameworks/base/services/core/java/com/android/server/wm/``):

* ``WindowManagerService.doDump``: with no argument (or ``-a``) every section in order, each
  under ``WINDOW MANAGER <NAME> (dumpsys window <name>)`` and separated by a line of 79 dashes:
  ``LAST ANR``, ``POLICY STATE``, ``ANIMATOR STATE``, ``SESSIONS``, ``DISPLAY CONTENTS``,
  ``TOKENS``, ``WINDOWS``. One section by name or letter (``lastanr``/``l``, ``policy``/``p``,
  ``animator``/``a``, ``sessions``/``s``, ``displays``/``d``, ``tokens``/``t``, ``windows``/
  ``w``); ``-h`` prints the help; an unknown option prints ``Unknown argument: X; use -h for
  help``; an unknown word (no window matches it) prints ``Bad window command, or no windows
  match: X`` and ``Use -h for help.``.
* ``WindowManagerService.dumpWindowsNoHeaderLocked``: ``mCurrentFocus=Window{HASH u0 TITLE}``
  and ``mFocusedApp=ActivityRecord{HASH u0 pkg/.Cls tN}`` (``ActivityRecord.toString``).
* ``DisplayContent.dump`` (``Display: mDisplayId=0 …`` and the ``init=`` line), the policy lines
  and ``KeyguardServiceDelegate``: see :mod:`.window`.
* ``WindowState.toString``: ``Window{HASH u0 TITLE}`` with the identity hash in hex.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from jobctl_sim.framework.shell_command import java_bool, short_component
from jobctl_sim.native.shell.command import Invocation

if TYPE_CHECKING:
    from jobctl_sim.framework.system import AndroidSystem
    from jobctl_sim.framework.window import WindowManagerService

SEPARATOR = "-" * 79
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("lastanr", "l", "LAST ANR"),
    ("policy", "p", "POLICY STATE"),
    ("animator", "a", "ANIMATOR STATE"),
    ("sessions", "s", "SESSIONS"),
    ("displays", "d", "DISPLAY CONTENTS"),
    ("tokens", "t", "TOKENS"),
    ("windows", "w", "WINDOWS"),
)


def identity(name: str) -> str:
    """A stable stand-in for ``System.identityHashCode`` in hex."""
    return f"{zlib.crc32(name.encode()) & 0xFFFFFFF:x}"


def window_string(title: str) -> str:
    return f"Window{{{identity('w' + title)} u0 {title}}}"


def activity_record(component: str, task: int) -> str:
    return f"ActivityRecord{{{identity('a' + component)} u0 {short_component(component)} t{task}}}"


class WindowDump:
    def __init__(self, wm: WindowManagerService, system: AndroidSystem) -> None:
        self._wm = wm
        self._system = system

    def run(self, inv: Invocation) -> int:
        args = list(inv.args)
        while args and args[0].startswith("-"):
            opt = args.pop(0)
            if opt == "-h":
                inv.out("Window manager dump options:\n  [-a] [-h] [cmd] ...\n  cmd may be one of:\n"
                        + "".join(f"    {letter}[{name[1:]}]: \n" for name, letter, _ in SECTIONS))
                return 0
            if opt != "-a":
                inv.out(f"Unknown argument: {opt}; use -h for help\n")
                return 0
        if args:
            for name, letter, title in SECTIONS:
                if args[0] in (name, letter):
                    inv.out(self._section(name, title))
                    return 0
            inv.out(f"Bad window command, or no windows match: {args[0]}\nUse -h for help.\n")
            return 0
        inv.out(f"{SEPARATOR}\n".join(self._section(name, title) for name, _, title in SECTIONS))
        return 0

    def _section(self, name: str, title: str) -> str:
        body: list[str] = getattr(self, f"_{name}")()
        return f"WINDOW MANAGER {title} (dumpsys window {name})\n" + "".join(line + "\n" for line in body)

    # ------------------------------------------------------------------ sections
    def _lastanr(self) -> list[str]:
        return ["  <no ANR has occurred since boot>"]

    def _policy(self) -> list[str]:
        wm, api = self._wm, self._system.api_level
        locked = java_bool(wm.keyguard_showing)
        awake = java_bool(wm.screen_on)
        status_bar = window_string("StatusBar")
        lines = [
            "    mSafeMode=false mSystemReady=true mSystemBooted=true",
            "    mLidState=LID_ABSENT mLidOpenRotation=-1 mCameraLensCoverState=LENS_COVER_ABSENT mHdmiPlugged=false",
            f"    mAwake={awake}mScreenOnEarly={awake} mScreenOnFully={awake}",
            "    mKeyguardDrawComplete=true mWindowManagerDrawComplete=true",
        ]
        if api >= 30:
            lines += [
                f"    mShowingDream=false mDreamingLockscreen={locked}",
                f"    mStatusBar={status_bar}",
                f"    mExpandedPanel={window_string('NotificationShade')}",
                f"    isKeyguardShowing={locked}",
            ]
        else:
            lines += [
                f"    mShowingDream=false mDreamingLockscreen={locked} mDreamingSleepToken=null",
                f"    mStatusBar={status_bar} isStatusBarKeyguard={locked}",
            ]
        lines.append(f"    mFocusedWindow={window_string(wm.focused_window_title())}")
        lines += wm.keyguard_lines("    ")
        return lines

    def _animator(self) -> list[str]:
        return ["  DisplayContentsAnimator #0:",
                "    Window #0: WindowStateAnimator{… com.android.systemui.ImageWallpaper}"]

    def _sessions(self) -> list[str]:
        out: list[str] = []
        for process in self._system.process_table.records():
            if process.package is not None:
                out.append(f"  Session Session{{{identity('s' + process.name)} {process.pid}:{process.uid}}}:")
                out.append(f"    mNumWindow=1 mCanAddInternalSystemWindow={java_bool(process.uid < 10000)}")
        return out

    def _displays(self) -> list[str]:
        wm = self._wm
        init, cur = wm.physical_size, wm.size
        line = f"    init={init} {wm.physical_density}dpi"
        if cur != init or wm.density != wm.physical_density:
            line += f" base={cur} {wm.density}dpi"
        bars = 126 * wm.density // 420
        line += f" cur={cur} app={cur.width}x{cur.height - bars} rng={cur.width}x{cur.width}-{cur.height}x{cur.height}"
        return [
            "  Display: mDisplayId=0 rootTasks=3" if self._system.api_level >= 31 else "  Display: mDisplayId=0",
            line,
            "    deferred=false mLayoutNeeded=false "
            f"mTouchExcludeRegion=SkRegion((0,0,{cur.width},{cur.height}))",
            f"    mLastFocus={window_string(wm.focused_window_title())}",
            f"    mCurrentFocus={window_string(wm.focused_window_title())}",
            f"    mFocusedApp={activity_record(wm.focused_app(), self._task_id())}",
        ]

    def _tokens(self) -> list[str]:
        return ["  All tokens:", f"  {activity_record(self._wm.focused_app(), self._task_id())}"]

    def _windows(self) -> list[str]:
        wm = self._wm
        focus = window_string(wm.focused_window_title())
        titles = ["StatusBar", "NotificationShade" if self._system.api_level >= 30 else "Keyguard",
                  "NavigationBar0", wm.focused_window_title(), "com.android.systemui.ImageWallpaper"]
        lines: list[str] = []
        for index, title in enumerate(dict.fromkeys(titles)):
            lines.append(f"  Window #{index} {window_string(title)}:")
            lines.append(f"    mDisplayId=0 rootTaskId=1 mSession=Session{{{identity(title)}}} "
                         "mClient=android.os.BinderProxy")
        lines += [
            "",
            f"  mGlobalConfiguration={{1.0 ?mcc?mnc [en_US] ldltr sw{wm.size.width * 160 // wm.density}dp "
            f"w{wm.size.width * 160 // wm.density}dp h{wm.size.height * 160 // wm.density}dp {wm.density}dpi "
            "nrml long port finger qwerty/v/v dpad/v winConfig={ mBounds=Rect(0, 0 - "
            f"{wm.size.width}, {wm.size.height}) }} s.1}}",
            "  mHasPermanentDpad=false",
            "  mTopFocusedDisplayId=0",
            f"  mCurrentFocus={focus}",
            f"  mFocusedApp={activity_record(wm.focused_app(), self._task_id())}",
        ]
        return lines

    def _task_id(self) -> int:
        return 12 if self._wm.focused_component() is not None else 1


__all__ = ["WindowDump", "activity_record", "identity", "window_string"]
