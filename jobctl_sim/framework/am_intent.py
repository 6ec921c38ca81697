"""The Intent grammar of ``am start`` / ``am broadcast`` and ``Intent.toString`` of an Intent.

Sources:

* ``Intent.parseCommandArgs`` (``frameworks/base/core/java/android/content/Intent.java``): the
  option table (``-a -d -t -c -n -p -f``, the ``--e*`` extras with ``Integer.parseInt``/
  ``Long.parseLong``/``Integer.decode`` values, the ``--activity-*``/``--receiver-*`` flags) and
  the trailing URI, component or package; a component without ``/`` throws ``Bad component name``;
* ``ActivityManagerShellCommand.java`` (Android 10-15): the options of ``start``/``broadcast``
  themselves (``--user``, ``-W``, ``--receiver-permission`` …), anything else throws
  ``IllegalArgumentException("Unknown option: X")``; ``broadcast`` always adds
  ``FLAG_RECEIVER_FROM_SHELL`` (0x400000);
* ``Intent.toString`` is :func:`~jobctl_sim.framework.shell_command.intent_short_string` inside
  ``Intent { … }``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from jobctl_sim.framework.shell_command import (
    ArgCursor,
    IllegalArgumentException,
    JavaException,
    NumberFormatException,
    decode_java_int,
    full_component,
    intent_short_string,
    intent_to_string,
    parse_java_int,
    parse_java_long,
)
from jobctl_sim.framework.system import Intent

FLAG_INCLUDE_STOPPED_PACKAGES = 0x20
FLAG_EXCLUDE_STOPPED_PACKAGES = 0x10
FLAG_RECEIVER_FOREGROUND = 0x10000000
FLAG_RECEIVER_FROM_SHELL = 0x400000


def describe_intent(intent: Intent, categories: Sequence[str] = (), mime: str | None = None) -> str:
    """``Intent.toString``: ``Intent { act=… cat=[…] dat=… typ=… flg=0x… pkg=… cmp=… (has extras) }``."""
    return intent_to_string(intent_short_string(
        action=intent.action, categories=categories, data=intent.data, mime=mime, flags=intent.flags,
        package=intent.package, component=intent.component, has_extras=bool(intent.extras)))


@dataclass
class ParsedIntent:
    """What ``Intent.parseCommandArgs`` produced plus the command's own options."""

    action: str | None = None
    data: str | None = None
    mime: str | None = None
    categories: list[str] = field(default_factory=list)
    component: str | None = None
    package: str | None = None
    flags: int = 0
    extras: dict[str, object] = field(default_factory=dict)
    options: dict[str, str | bool] = field(default_factory=dict)

    def intent(self, extra_flags: int = 0) -> Intent:
        return Intent(self.action, self.component, self.package, self.data, self.flags | extra_flags, dict(self.extras))

    def to_string(self, intent: Intent) -> str:
        """``Intent.toString`` of ``intent`` with this command line's categories and type."""
        return describe_intent(intent, self.categories, self.mime)


def _bool_value(text: str) -> bool:
    if text in ("true", "t"):
        return True
    if text in ("false", "f"):
        return False
    try:
        return decode_java_int(text) != 0
    except JavaException:
        raise IllegalArgumentException(f"Invalid boolean value: {text}") from None


_EXTRA_PARSERS: Mapping[str, Callable[[str], object]] = {
    "--es": str,
    "-e": str,
    "--ei": parse_java_int,
    "--el": parse_java_long,
    "--ef": float,
    "--ed": float,
    "--eu": str,
    "--ecn": str,
    "--ez": _bool_value,
    "--esa": lambda v: [s.replace("\\,", ",") for s in _split_array(v)],
    "--eia": lambda v: [parse_java_int(s) for s in v.split(",")],
    "--ela": lambda v: [parse_java_long(s) for s in v.split(",")],
    "--efa": lambda v: [float(s) for s in v.split(",")],
}


def _split_array(value: str) -> list[str]:
    out, current, escaped = [], "", False
    for ch in value:
        if ch == "," and not escaped:
            out.append(current)
            current = ""
        else:
            current += ch
        escaped = ch == "\\" and not escaped
    out.append(current)
    return out


_FLAG_OPTIONS: Mapping[str, int] = {
    "--include-stopped-packages": FLAG_INCLUDE_STOPPED_PACKAGES,
    "--exclude-stopped-packages": FLAG_EXCLUDE_STOPPED_PACKAGES,
    "--receiver-foreground": FLAG_RECEIVER_FOREGROUND,
    "--receiver-registered-only": 0x40000000,
    "--receiver-replace-pending": 0x20000000,
    "--activity-clear-task": 0x8000,
    "--activity-clear-top": 0x4000000,
    "--activity-new-task": 0x10000000,
    "--activity-single-top": 0x20000000,
    "--grant-read-uri-permission": 0x1,
    "--grant-write-uri-permission": 0x2,
    "--debug-log-resolution": 0x8,
}

_COMMAND_OPTIONS: Mapping[str, int] = {
    "--user": 1, "--receiver-permission": 1, "-W": 0, "-D": 0, "-N": 0, "-S": 0, "-R": 1, "-P": 1,
    "--start-profiler": 1, "--sampling": 1, "--streaming": 0, "--attach-agent": 1, "--windowingMode": 1,
    "--activityType": 1, "--display": 1, "--allow-background-activity-starts": 0, "--async": 0,
    "--background-activity-start": 0, "--task": 1, "--suspend": 0,
}
"""Options of ``am start``/``am broadcast`` themselves (name -> number of values)."""


def parse_intent(cursor: ArgCursor) -> ParsedIntent:
    parsed = ParsedIntent()
    while (opt := cursor.next_option()) is not None:
        if opt == "-a":
            parsed.action = cursor.next_arg_required()
        elif opt == "-d":
            parsed.data = cursor.next_arg_required()
        elif opt == "-t":
            parsed.mime = cursor.next_arg_required()
        elif opt == "-c":
            parsed.categories.append(cursor.next_arg_required())
        elif opt == "-n":
            text = cursor.next_arg_required()
            if "/" not in text:
                raise IllegalArgumentException(f"Bad component name: {text}")
            parsed.component = full_component(text)
        elif opt == "-p":
            parsed.package = cursor.next_arg_required()
        elif opt == "-f":
            parsed.flags |= decode_java_int(cursor.next_arg_required())
        elif opt == "--esn":
            parsed.extras[cursor.next_arg_required()] = None
        elif opt in _EXTRA_PARSERS:
            key = cursor.next_arg_required()
            value = cursor.next_arg_required()
            try:
                parsed.extras[key] = _EXTRA_PARSERS[opt](value)
            except ValueError:
                raise NumberFormatException.for_input_string(value) from None
        elif opt in _FLAG_OPTIONS:
            parsed.flags |= _FLAG_OPTIONS[opt]
        elif opt in _COMMAND_OPTIONS:
            parsed.options[opt] = cursor.next_arg_required() if _COMMAND_OPTIONS[opt] else True
        else:
            raise IllegalArgumentException(f"Unknown option: {opt}")
    if (target := cursor.next_arg()) is not None:
        if ":" in target:
            parsed.data = target
        elif "/" in target:
            parsed.component = full_component(target)
        else:
            parsed.package = target
    return parsed
