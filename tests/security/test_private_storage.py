"""The helper's journal, inbox and outbox are private to the app (PROTOCOL.md §9.2).

Android: installd creates the app data directory 0700 for a target SDK >= 24, owned by the app
uid; app processes inherit umask 077 from init, so ``FileOutputStream`` files are 0600 and
``mkdirs`` directories 0700; ``getFilesDir()`` itself is 0771. The shell reads them only
through ``run-as`` (debuggable app).
"""

from __future__ import annotations

import asyncio
import json
import re
import stat
from pathlib import Path


import jobctl_sim.assembly
from bridge.adb.private import PrivateAdbServer
from jobctl_sim.apps.helper import PACKAGE
from jobctl_sim.device import DeviceConfig, VirtualDevice
from jobctl_sim.native.streams import BufferOutput, InputStream

HELPER_SRC = Path(__file__).resolve().parents[2] / "android-helper"
DATA = f"/data/data/{PACKAGE}"
BROADCAST = f"am broadcast -a dev.jobctl.helper.COMMAND -n {PACKAGE}/.CommandReceiver --include-stopped-packages"


async def sh(dev: VirtualDevice, line: str, uid: int = 2000, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = BufferOutput(), BufferOutput()
    code = await dev.run_shell(line, InputStream.of(stdin), out, err, uid=uid)
    return code, out.getvalue().decode(), err.getvalue().decode()


def device() -> VirtualDevice:
    return VirtualDevice(DeviceConfig(serial="priv", api_level=34, speed=1000.0),
                         extensions=[jobctl_sim.assembly.install_android])


def test_the_journal_and_the_outbox_belong_to_the_app_uid_and_nobody_else() -> None:
    async def body() -> None:
        dev = device()
        uid = dev.android.packages.get(PACKAGE).uid
        schedule = '{"v":1,"cmd":"schedule","spec":{"job_id":3,"extras":{"k":"v"}}}'
        assert "result=1" in (await sh(dev, f"{BROADCAST} --es req '{schedule}'"))[1]
        assert (await sh(dev, f"am start -W -n {PACKAGE}/.ScheduleActivity --es req "
                              "'{\"v\":1,\"cmd\":\"info\"}' --es reply r1"))[0] == 0
        expected = {
            DATA: (stat.S_IFDIR | 0o700, uid),
            f"{DATA}/files": (stat.S_IFDIR | 0o771, uid),
            f"{DATA}/files/journal": (stat.S_IFDIR | 0o700, uid),
            f"{DATA}/files/journal/current.jsonl": (stat.S_IFREG | 0o600, uid),
            f"{DATA}/files/outbox": (stat.S_IFDIR | 0o700, uid),
            f"{DATA}/files/outbox/r1": (stat.S_IFREG | 0o600, uid),
        }
        for path, want in expected.items():
            st = dev.fs.stat(path)
            assert st is not None, path
            assert (st.mode, st.uid) == want, (path, oct(st.mode), st.uid)
        _, listing, _ = await sh(dev, f"run-as {PACKAGE} ls -l files/journal")
        assert re.search(r"^-rw------- 1 10123 +10123 .* current\.jsonl$", listing, re.M), listing

    asyncio.run(body())


def test_run_as_reads_the_journal_through_the_real_adb_server(adb: PrivateAdbServer, serial: str) -> None:
    info = adb.adb("-s", serial, "shell", f"{BROADCAST} --es req '{{\"v\":1,\"cmd\":\"info\"}}'")
    assert "result=1" in info.stdout, info.stdout + info.stderr
    read = adb.adb("-s", serial, "shell", f"run-as {PACKAGE} cat files/journal/current.jsonl")
    assert read.returncode == 0, read.stderr
    events = [json.loads(line) for line in read.stdout.splitlines()]
    assert events and events[0]["kind"] == "process_started"


def test_the_shell_cannot_cat_the_journal_directly() -> None:
    async def body() -> None:
        dev = device()
        assert "result=1" in (await sh(dev, f"{BROADCAST} --es req '{{\"v\":1,\"cmd\":\"info\"}}'"))[1]
        path = f"{DATA}/files/journal/current.jsonl"
        assert (await sh(dev, f"run-as {PACKAGE} cat files/journal/current.jsonl"))[0] == 0
        assert await sh(dev, f"cat {path}") == (1, "", f"cat: {path}: Permission denied\n")
        assert await sh(dev, f"ls {DATA}") == (1, "", f"ls: {DATA}: Permission denied\n")
        assert (await sh(dev, f"echo forged > {DATA}/files/journal/current.jsonl"))[0] != 0

    asyncio.run(body())


def test_the_java_helper_writes_only_under_its_private_files_dir() -> None:
    sources = {p: p.read_text(encoding="utf-8") for p in sorted((HELPER_SRC / "src").rglob("*.java"))}
    assert sources, "no helper sources found"
    runtime = sources[HELPER_SRC / "src/dev/jobctl/helper/HelperRuntime.java"]
    assert "File files = app.getFilesDir();" in runtime
    assert 'new Journal(new File(files, "journal")' in runtime
    assert 'new Inbox(new File(files, "inbox"), new File(files, "outbox"))' in runtime
    forbidden = ("getExternalFilesDir", "getExternalStorage", "Environment.", "MODE_WORLD_READABLE",
                 "MODE_WORLD_WRITEABLE", "setReadable(", "setWritable(", "setExecutable(", "openFileOutput",
                 "/sdcard", "/data/", "chmod", "FileProvider", "ContentProvider")
    for path, text in sources.items():
        for needle in forbidden:
            assert needle not in text, f"{path.name} uses {needle}"
        # files are only ever created relative to a directory handed in, never at a literal path
        assert re.search(r"new (File|FileOutputStream|RandomAccessFile)\(\"", text) is None, path.name
    manifest = (HELPER_SRC / "AndroidManifest.xml").read_text(encoding="utf-8")
    assert 'android:allowBackup="false"' in manifest
    assert "<provider" not in manifest
