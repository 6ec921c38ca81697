"""InputMethodManagerService's shell command: ``ime`` / ``cmd input_method ime``.

Sources: ``services/core/java/com/android/server/inputmethod/InputMethodManagerService.java``
(``ShellCommandImpl``, Android 9+; ``/system/bin/ime`` is ``cmd input_method ime "$@"``):

* ``list [-a] [-s] [-u USER]``: the enabled input methods (``-a``: all of them); ``-s`` one id
  per line, else ``ID:`` followed by ``InputMethodInfo.dump`` (``mId=… mSettingsActivityName=…``,
  ``Service:``, ``ServiceInfo:`` …). An unknown option prints ``Unknown option: X`` on stderr
  (exit 255).
* ``enable|disable [--user U] ID``: ``Input method ID: already|now enabled|disabled``; an
  unknown id ``Unknown input method ID cannot be enabled for user #0``. ``set [--user U] ID``:
  ``Input method ID selected for user #0`` / ``Unknown input method ID cannot be selected for
  user #0``. A missing id throws ``Argument expected after "VERB"``.
* No verb or ``help`` prints the ``ime`` help; another verb ``Unknown command: X``.

The emulator's one IME is AOSP's LatinIME (``packages/inputmethods/LatinIME``), enabled and
selected (``Settings.Secure.DEFAULT_INPUT_METHOD``).
"""

from __future__ import annotations

from jobctl_sim.framework.shell_command import (
    ERROR,
    ArgCursor,
    IllegalArgumentException,
    Verb,
    VerbTable,
)
from jobctl_sim.framework.system import AndroidSystem, BinderService
from jobctl_sim.native.shell.command import Invocation

LATIN_IME = "com.android.inputmethod.latin/.LatinIME"
INPUT_METHODS = (LATIN_IME,)


def _dump(ime_id: str) -> str:
    package, _, cls = ime_id.partition("/")
    full = package + cls if cls.startswith(".") else cls
    return (f"{ime_id}:\n"
            f"  mId={ime_id} mSettingsActivityName={package}.settings.SettingsActivity "
            "mIsVrOnly=false mSupportsSwitchingToNextInputMethod=true\n"
            "  mIsDefaultResId=0x7f050003\n"
            "  Service:\n"
            "    priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false\n"
            "    ServiceInfo:\n"
            f"      name={full}\n"
            f"      packageName={package}\n"
            "      enabled=true exported=true directBootAware=true\n"
            "      permission=android.permission.BIND_INPUT_METHOD\n"
            "      flags=0x0\n")


class InputMethodService:
    def __init__(self, system: AndroidSystem) -> None:
        self._system = system
        self.enabled: set[str] = set(INPUT_METHODS)
        self.selected = LATIN_IME

    @staticmethod
    def _user(cursor: ArgCursor) -> None:
        while (opt := cursor.next_option()) is not None:
            if opt not in ("--user", "-u"):
                raise IllegalArgumentException(f"Unknown option: {opt}")
            cursor.next_arg_required()

    def _verb_list(self, inv: Invocation, cursor: ArgCursor) -> int:
        show_all = brief = False
        while (opt := cursor.next_option()) is not None:
            if opt == "-a":
                show_all = True
            elif opt == "-s":
                brief = True
            elif opt in ("-u", "--user"):
                cursor.next_arg_required()
            else:
                inv.err(f"Unknown option: {opt}\n")
                return ERROR
        for ime_id in INPUT_METHODS:
            if show_all or ime_id in self.enabled:
                inv.out(f"{ime_id}\n" if brief else _dump(ime_id))
        return 0

    def _enable_verb(self, enable: bool) -> Verb:
        def run(inv: Invocation, cursor: ArgCursor) -> int:
            self._user(cursor)
            ime_id = cursor.next_arg_required()
            word = "enabled" if enable else "disabled"
            if ime_id not in INPUT_METHODS:
                inv.err(f"Unknown input method {ime_id} cannot be {word} for user #0\n")
                return ERROR
            already = (ime_id in self.enabled) == enable
            (self.enabled.add if enable else self.enabled.discard)(ime_id)
            inv.out(f"Input method {ime_id}: {'already' if already else 'now'} {word}\n")
            return 0

        return run

    def _verb_set(self, inv: Invocation, cursor: ArgCursor) -> int:
        self._user(cursor)
        ime_id = cursor.next_arg_required()
        if ime_id not in INPUT_METHODS or ime_id not in self.enabled:
            inv.err(f"Unknown input method {ime_id} cannot be selected for user #0\n")
            return ERROR
        self.selected = ime_id
        self._system.settings.put("secure", "default_input_method", ime_id)
        inv.out(f"Input method {ime_id} selected for user #0\n")
        return 0

    def table(self) -> VerbTable:
        return VerbTable({"list": self._verb_list, "enable": self._enable_verb(True),
                          "disable": self._enable_verb(False), "set": self._verb_set}, _help)

    async def ime_command(self, inv: Invocation) -> int:
        return await self.table().run(inv, inv.args)

    async def shell_command(self, inv: Invocation) -> int:
        """``cmd input_method``: ``ime …`` goes to the IME verbs."""
        if inv.args[:1] == ["ime"]:
            return await self.table().run(inv, inv.args[1:])
        return await VerbTable({}, _service_help).run(inv, inv.args)


def _help() -> str:
    return ("ime <command>:\n"
            "  list [-a] [-s]\n"
            "    prints all enabled input methods.\n"
            "      -a: see all input methods\n"
            "      -s: only a single summary line of each\n"
            "  enable [--user <USER_ID>] <ID>\n"
            "    allows the given input method ID to be used.\n"
            "  disable [--user <USER_ID>] <ID>\n"
            "    disallows the given input method ID to be used.\n"
            "  set [--user <USER_ID>] <ID>\n"
            "    switches to the given input method ID.\n"
            "  reset [--user <USER_ID>]\n"
            "    reset currently selected/enabled IMEs to the default ones as if the device is initially booted\n"
            "    with the current locale.\n")


def _service_help() -> str:
    return ("InputMethodManagerService commands:\n"
            "  help\n"
            "    Prints this help text.\n"
            "  dump [options]\n"
            "    Synonym of dumpsys.\n"
            "  ime <command> [options]\n"
            "    Manipulate IMEs.  Run \"ime help\" for details.\n")


def install(system: AndroidSystem) -> InputMethodService:
    service = InputMethodService(system)
    system.add_binder_service(BinderService("input_method", shell_command=service.shell_command))
    system.device.commands.register("ime", service.ime_command)
    return service


__all__ = ["LATIN_IME", "InputMethodService", "install"]
