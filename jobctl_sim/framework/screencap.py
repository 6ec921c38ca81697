"""``screencap``: a picture of the virtual screen, raw or as a PNG.

Sources: ``frameworks/base/cmds/screencap/screencap.cpp``: options ``-h``, ``-p`` (PNG), ``-d ID``
(the physical display; Android 10+ prints the default one's id in the usage, before that ``0``),
then an optional FILENAME (``.png`` implies ``-p``). No FILENAME writes to stdout. The raw form
is a header of little-endian u32s -- width, height, pixel format (1, ``PIXEL_FORMAT_RGBA_8888``)
and, from Android 9, the dataspace (0) -- followed by the RGBA pixels. A file that cannot be
opened prints ``Error opening file: NAME (STRERROR)`` (exit 1); ``-h`` or an unknown option
prints the usage on stderr (exit 1), the latter after bionic's getopt message
``screencap: unknown option -- X`` (``upstream-openbsd/lib/libc/stdlib/getopt_long.c``).

The picture is the logical display (``wm size``'s override when set): black while the screen is
off, the lock screen's dark colour while the keyguard is up, else a light home screen under a
status bar. The PNG (``libpng`` in the real tool) is written here with :mod:`zlib`: signature,
``IHDR`` (8-bit RGBA), one ``IDAT``, ``IEND``, each chunk with its CRC-32 (PNG spec §5).
"""

from __future__ import annotations

import struct
import zlib

from jobctl_sim.framework.system import AndroidSystem
from jobctl_sim.native.fs import W_OK, X_OK, FsError
from jobctl_sim.native.shell.command import Invocation

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PIXEL_FORMAT_RGBA_8888 = 1
EMULATOR_DISPLAY_ID = "4619827259835644672"
"""The emulator's built-in display's physical id (``dumpsys SurfaceFlinger --display-id``)."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGBA PNG of ``rows`` (each ``width * 4`` bytes), filter type 0 on every row."""
    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b"")


class Screen:
    def __init__(self, system: AndroidSystem) -> None:
        self._system = system

    def rows(self) -> tuple[int, int, list[bytes]]:
        """(width, height, RGBA rows) of what the screen shows now."""
        wm = self._system.window
        width, height = wm.size.width, wm.size.height
        if not wm.screen_on:
            row = bytes(4 * width)
            return width, height, [row] * height
        status = bytes((32, 33, 36, 255)) * width
        body = bytes((17, 24, 39, 255) if wm.keyguard_showing else (242, 242, 247, 255)) * width
        bar = height * 24 // 800
        return width, height, [status] * bar + [body] * (height - bar)

    def _usage(self) -> str:
        default = EMULATOR_DISPLAY_ID if self._system.api_level >= 29 else "0"
        return ("usage: screencap [-hp] [-d display-id] [FILENAME]\n"
                "   -h: this message\n"
                "   -p: save the file as a png.\n"
                f"   -d: specify the physical display ID to capture (default: {default})\n"
                "       see \"dumpsys SurfaceFlinger --display-id\" for valid display IDs.\n"
                "If FILENAME ends with .png it will be saved as a png.\n"
                "If FILENAME is not given, the results will be printed to stdout.\n")

    def command(self, inv: Invocation) -> int:
        args = list(inv.args)
        png = False
        while args and args[0].startswith("-") and args[0] != "-":
            arg = args.pop(0)
            for index, letter in enumerate(arg[1:], start=1):
                if letter == "p":
                    png = True
                elif letter == "d":
                    if index + 1 == len(arg) and not args:
                        inv.err("screencap: option requires an argument -- d\n" + self._usage())
                        return 1
                    if index + 1 == len(arg):
                        args.pop(0)
                    break
                else:
                    if letter != "h":
                        inv.err(f"screencap: unknown option -- {letter}\n")
                    inv.err(self._usage())
                    return 1
        width, height, rows = self.rows()
        name = args[0] if args else None
        png = png or bool(name and name.endswith(".png"))
        if png:
            data = encode_png(width, height, rows)
        else:
            data = struct.pack("<III", width, height, PIXEL_FORMAT_RGBA_8888)
            if self._system.api_level >= 28:
                data += struct.pack("<I", 0)
            data += b"".join(rows)
        if name is None:
            inv.stdout.write(data)
            return 0
        path = inv.path(name)
        fs = inv.device.fs
        try:
            if fs.exists(path):
                fs.check_access(path, inv.uid, W_OK)
            else:
                parent = path.rsplit("/", 1)[0] or "/"
                fs.check_access(parent, inv.uid, W_OK | X_OK)
            fs.write_bytes(path, data, mode=0o100664, uid=inv.uid)
        except FsError as exc:
            inv.err(f"Error opening file: {name} ({exc.strerror})\n")
            return 1
        return 0


def install(system: AndroidSystem) -> Screen:
    screen = Screen(system)
    system.device.commands.register("screencap", screen.command)
    return screen


__all__ = ["Screen", "encode_png", "install"]
