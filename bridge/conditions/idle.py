"""Idle and doze: the screen, idle maintenance and deep doze (ref §5.2, §5.3, §8.14)."""

from __future__ import annotations

from bridge.conditions.base import ConditionsBase, RestoreStep, on_off
from bridge.errors import ConditionError
from bridge.parsers import bool_word


class IdleConditions(ConditionsBase):
    """Device idle (screen off + idle maintenance) and forced deep doze."""

    def _read_screen(self) -> bool:
        return bool_word(self._run("cmd deviceidle get screen"), "screen state")

    def _switch_screen(self, on: bool) -> None:
        self._run(["input", "keyevent", "KEYCODE_WAKEUP" if on else "KEYCODE_SLEEP"])
        self._wait(self._read_screen, lambda now: now is on, "screen on", wanted=on_off(on))

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
        deep, forced = ([*self._run("cmd deviceidle get deep; cmd deviceidle get force").split(), "", ""])[:2]
        return deep, bool_word(forced, "deviceidle force")

    def _force_doze(self, doze: bool) -> None:
        if doze:
            answer = self._run("cmd deviceidle force-idle deep")
            if "Now forced in to deep idle mode" not in answer:
                raise ConditionError(f"cmd deviceidle force-idle deep: {answer.strip()}")
            self._wait(self._read_doze, lambda r: r[0] == "IDLE", "deep idle state", wanted="IDLE",
                       seen=lambda r: r[0])
        else:
            self._run("cmd deviceidle unforce")
            self._wait(self._read_doze, lambda r: not r[1], "doze forced", wanted="false", seen=lambda r: on_off(r[1]))

    def _restore_doze(self, deep: str, forced: bool) -> None:
        """Back to ``(deep, forced)`` as read before the first change (ref §5.2). Forced deep idle
        is forced again; an unforced device is unforced and left to DeviceIdleController
        (``services/core/java/com/android/server/DeviceIdleController.java``), which puts it back
        in the state its screen and charger call for -- unless it was IDLE, which is entered again
        and then unforced (it stays IDLE while the screen is off and the charger out)."""
        now, now_forced = self._read_doze()
        if (now, now_forced) == (deep, forced):
            return
        if forced or deep == "IDLE":
            if now != "IDLE" or not now_forced:
                self._force_doze(True)
            if forced:
                return
        self._force_doze(False)
        if deep == "IDLE":
            self._wait(self._read_doze, lambda r: r[0] == "IDLE", "deep idle state", wanted="IDLE",
                       seen=lambda r: r[0])

    def set_doze(self, doze: bool) -> None:
        """Deep doze: ``cmd deviceidle force-idle deep``, poll ``get deep`` = ``IDLE``; undo:
        ``cmd deviceidle unforce``, poll ``get force`` = false (ref §5.2). After ``unforce`` the
        device leaves IDLE only if the screen is on or it is charging, as on a real device.
        Restore runs after every other restore step (the deep state follows the screen and the
        charger) and puts back the deep state and the force flag the snapshot saw."""
        def capture() -> RestoreStep:
            deep, forced = self._read_doze()
            return lambda: self._restore_doze(deep, forced)

        self._remember("doze", "restore doze", capture, last=True)
        self._force_doze(doze)
