"""Screenshots the tests take: pages rendered by headless Chromium (Debian ``chromium``, installed
by .ci/system-packages), saved under tests/artifacts/ (git-ignored) and, when a test says so,
copied to docs/screenshots/ (committed, linked from the docs; refreshed with
``JOBCTL_UPDATE_SCREENSHOTS=1``).

Without Chromium a test skips with the reason -- except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def chromium() -> str:
    """The Chromium binary; skips the test without one (fails it in CI)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    message = "headless Chromium is not installed (Debian: apt-get install chromium; .ci/system-packages does it)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message + " -- CI must have it")
    pytest.skip(message)


def _run(args: list[str], timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", "--disable-dev-shm-usage", *args],
                          capture_output=True, text=True, timeout=timeout)


def dump_dom(page: Path) -> str:
    """The page's DOM after Chromium laid it out (``--dump-dom``)."""
    result = _run(["--dump-dom", page.resolve().as_uri()])
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(page: Path, png: Path, width: int, height: int) -> Path:
    """``page`` rendered at ``width``x``height`` CSS pixels into ``png``."""
    png.unlink(missing_ok=True)
    result = _run([f"--screenshot={png}", f"--window-size={width},{height}", page.resolve().as_uri()])
    assert png.is_file(), f"chromium wrote no screenshot: {result.stderr[-2000:]}"
    return png


def terminal_page(text: str, title: str) -> str:
    """A terminal capture (colour codes and all) as an HTML page (monospace, dark), for :func:`screenshot`."""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title><style>"
            "body{margin:0;background:#1e1e1e}pre{margin:0;padding:12px;color:#e0e0e0;"
            "font:13px/1.3 'DejaVu Sans Mono',monospace;white-space:pre}</style></head>"
            f"<body><pre>{ansi_to_html(text)}</pre></body></html>")


def png_size_and_colours(png: Path) -> tuple[int, int, int]:
    """``(width, height, distinct colours)`` of an 8-bit RGB/RGBA PNG (Chromium's), read with zlib only."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, chunks, idat = 8, {}, b""
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IDAT":
            idat += body
        else:
            chunks[kind] = body
        offset += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and colour_type in (2, 6), f"unexpected PNG format {depth}/{colour_type}"
    pixel = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * pixel + 1
    colours: set[bytes] = set()
    for row in range(0, height, max(height // 60, 1)):  # a sample of rows (filters make raw bytes differ)
        line = raw[row * stride + 1:(row + 1) * stride]
        if raw[row * stride] == 0:  # filter "None": the bytes are the pixels
            colours.update(line[i:i + 3] for i in range(0, len(line), pixel))
        else:
            colours.update(line[i:i + 3] for i in range(0, len(line), pixel * 7))
    return width, height, len(colours)


def publish(png: Path, name: str) -> Path:
    """Copy a screenshot to docs/screenshots/ (committed, linked from the docs) when it is not there
    yet or ``JOBCTL_UPDATE_SCREENSHOTS=1`` asks for a fresh one (a test run leaves committed files
    alone otherwise)."""
    DOCS_SCREENSHOTS.mkdir(exist_ok=True)
    target = DOCS_SCREENSHOTS / name
    if not target.exists() or os.environ.get("JOBCTL_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(png, target)
    return target


_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_BASIC = ["#1e1e1e", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#e5e5e5"]


def ansi_to_html(text: str) -> str:
    """A terminal capture with SGR colour codes (``tmux capture-pane -e``) as HTML spans: bold,
    dim and the 8/16 basic colours (what rich's styles use), everything else as plain text."""
    out: list[str] = []
    position, open_span = 0, False
    for match in _SGR.finditer(text):
        out.append(html.escape(text[position:match.start()]))
        position = match.end()
        styles: list[str] = []
        codes = [int(c) for c in match.group(1).split(";") if c.isdigit()] or [0]
        if codes[:2] == [38, 5] and len(codes) == 3 and codes[2] < 16:  # 256-colour form of a basic colour
            codes = [30 + codes[2] % 8]
        for code in codes:
            if code == 1:
                styles.append("font-weight:bold")
            elif code == 2:
                styles.append("opacity:.7")
            elif 30 <= code <= 37:
                styles.append(f"color:{_BASIC[code - 30]}")
            elif 90 <= code <= 97:
                styles.append(f"color:{_BASIC[code - 90]}")
        if open_span:
            out.append("</span>")
            open_span = False
        if styles and codes != [0]:
            out.append(f'<span style="{";".join(styles)}">')
            open_span = True
    out.append(html.escape(text[position:]))
    if open_span:
        out.append("</span>")
    return "".join(out)
