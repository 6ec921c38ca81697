"""toybox's ``loopfiles``: each file operand (``-`` or none: stdin) read whole; a file that cannot be
read prints ``NAME: PATH: <strerror>`` (``perror_msg_raw``) and makes the status 1."""

from __future__ import annotations

from dataclasses import dataclass

from jobctl_sim.native.fs import FsError
from jobctl_sim.native.shell.command import Invocation
from jobctl_sim.native.toybox.args import perror, read_input


@dataclass(frozen=True)
class InputFile:
    name: str
    data: bytes


async def read_inputs(inv: Invocation, operands: list[str]) -> tuple[list[InputFile], int]:
    """The readable inputs (in order) and the status so far (1 if any failed)."""
    files: list[InputFile] = []
    status = 0
    stdin_read = False
    for name in operands or ["-"]:
        if name == "-":
            data = b"" if stdin_read else await inv.stdin.read()
            stdin_read = True
            files.append(InputFile(name, data))
            continue
        try:
            files.append(InputFile(name, read_input(inv, name)))
        except FsError as exc:
            perror(inv, name, exc)
            status = 1
    return files, status


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their ``\\n`` (the last may lack one)."""
    return data.splitlines(keepends=True)
