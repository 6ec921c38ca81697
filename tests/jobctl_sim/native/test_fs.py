"""Behaviour of the virtual device's in-memory filesystem and the file commands."""

from __future__ import annotations

import asyncio
import errno
import stat

import pytest

from jobctl_sim.native.clock import VirtualClock
from jobctl_sim.device import DeviceConfig, ShellResult, VirtualDevice
from jobctl_sim.native.fs import FileStat, FsError, MemoryFileSystem, normalize_path


@pytest.fixture
def fs() -> MemoryFileSystem:
    return MemoryFileSystem.android_layout(clock=VirtualClock())


def shell(*commands: str) -> list[ShellResult]:
    async def go() -> list[ShellResult]:
        dev = VirtualDevice(DeviceConfig(serial="emulator-test"))
        return [await dev.shell(c) for c in commands]

    return asyncio.run(go())


def test_android_layout_has_shell_owned_tmp(fs: MemoryFileSystem) -> None:
    st = fs.stat("/data/local/tmp")
    assert st is not None and st.is_dir
    assert stat.S_IMODE(st.mode) == 0o771
    assert (st.uid, st.gid) == (2000, 2000)
    for path in ("/", "/data", "/data/local", "/data/data", "/system/bin", "/proc", "/storage/emulated/0"):
        assert fs.is_dir(path), path


def test_sdcard_is_a_symlink_to_emulated_storage(fs: MemoryFileSystem) -> None:
    link = fs.lstat("/sdcard")
    assert link is not None and link.is_symlink
    fs.write_bytes("/sdcard/Download.txt", b"x")
    assert fs.read_bytes("/storage/emulated/0/Download.txt") == b"x"
    assert fs.stat("/sdcard") == fs.stat("/storage/emulated/0")
    assert fs.realpath("/sdcard/a") == "/storage/emulated/0/a"


def test_write_then_read_and_stat(fs: MemoryFileSystem) -> None:
    st = fs.write_bytes("/data/local/tmp/a.apk", b"abc", mode=0o100755, mtime=1_700_000_000)
    assert isinstance(st, FileStat)
    assert fs.read_bytes("/data/local/tmp/a.apk") == b"abc"
    got = fs.stat("/data/local/tmp/a.apk")
    assert got is not None
    assert (got.mode, got.size, got.mtime, got.nlink) == (0o100755, 3, 1_700_000_000, 1)
    assert got.is_file and not got.is_dir


def test_append_and_overwrite(fs: MemoryFileSystem) -> None:
    fs.write_bytes("/data/local/tmp/f", b"one")
    fs.write_bytes("/data/local/tmp/f", b"two", append=True)
    assert fs.read_bytes("/data/local/tmp/f") == b"onetwo"
    fs.write_bytes("/data/local/tmp/f", b"3")
    assert fs.read_bytes("/data/local/tmp/f") == b"3"


def test_stat_of_missing_path_is_none(fs: MemoryFileSystem) -> None:
    assert fs.stat("/nope") is None
    assert not fs.exists("/nope")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("//data//local/", "/data/local"), ("/data/./local/../local/tmp", "/data/local/tmp"),
     ("/..", "/"), ("data", "/data"), ("/", "/")],
)
def test_path_normalisation(raw: str, normal: str) -> None:
    assert normalize_path(raw) == normal


def test_overlong_path_is_refused(fs: MemoryFileSystem) -> None:
    with pytest.raises(FsError) as info:
        fs.write_bytes("/data/local/tmp/" + "a" * 1100, b"")
    assert info.value.errno == errno.ENAMETOOLONG


def test_errors_carry_errno_and_strerror(fs: MemoryFileSystem) -> None:
    with pytest.raises(FsError) as info:
        fs.read_bytes("/missing")
    assert info.value.errno == errno.ENOENT
    assert info.value.strerror == "No such file or directory"
    with pytest.raises(FsError) as info:
        fs.read_bytes("/data")
    assert info.value.errno == errno.EISDIR
    with pytest.raises(FsError) as info:
        fs.write_bytes("/data/nodir/x", b"")
    assert info.value.errno == errno.ENOENT
    fs.write_bytes("/data/local/tmp/file", b"")
    with pytest.raises(FsError) as info:
        fs.write_bytes("/data/local/tmp/file/child", b"")
    assert info.value.errno == errno.ENOTDIR


def test_make_parents(fs: MemoryFileSystem) -> None:
    fs.write_bytes("/data/local/tmp/a/b/c.txt", b"deep", make_parents=True)
    assert fs.is_dir("/data/local/tmp/a/b")


def test_mkdir_and_listdir(fs: MemoryFileSystem) -> None:
    fs.mkdir("/data/local/tmp/d")
    fs.write_bytes("/data/local/tmp/d/z", b"1")
    fs.write_bytes("/data/local/tmp/d/a", b"22")
    names = [name for name, _ in fs.listdir("/data/local/tmp/d")]
    assert names == ["a", "z"]
    with pytest.raises(FsError) as info:
        fs.mkdir("/data/local/tmp/d")
    assert info.value.errno == errno.EEXIST
    fs.mkdir("/data/local/tmp/d", parents=True)  # fine with -p
    with pytest.raises(FsError) as info:
        fs.listdir("/data/local/tmp/d/a")
    assert info.value.errno == errno.ENOTDIR


def test_remove_file_and_directory(fs: MemoryFileSystem) -> None:
    fs.write_bytes("/data/local/tmp/d/f", b"x", make_parents=True)
    with pytest.raises(FsError) as info:
        fs.remove("/data/local/tmp/d")
    assert info.value.errno == errno.EISDIR
    fs.remove("/data/local/tmp/d", recursive=True)
    assert not fs.exists("/data/local/tmp/d")
    with pytest.raises(FsError):
        fs.remove("/data/local/tmp/d")


def test_dev_null_discards_writes(fs: MemoryFileSystem) -> None:
    fs.write_bytes("/dev/null", b"lost")
    assert fs.read_bytes("/dev/null") == b""
    st = fs.stat("/dev/null")
    assert st is not None and stat.S_ISCHR(st.mode)


def test_capacity_is_enforced_with_enospc() -> None:
    fs = MemoryFileSystem.android_layout(clock=VirtualClock(), capacity_bytes=10)
    fs.write_bytes("/data/local/tmp/a", b"12345678")
    with pytest.raises(FsError) as info:
        fs.write_bytes("/data/local/tmp/b", b"123")
    assert info.value.errno == errno.ENOSPC
    fs.write_bytes("/data/local/tmp/a", b"1234567890")  # replacing frees the old bytes
    fs.remove("/data/local/tmp/a")
    assert fs.used_bytes == 0


def test_times_follow_the_virtual_clock(fs: MemoryFileSystem) -> None:
    st = fs.write_bytes("/data/local/tmp/t", b"")
    assert abs(st.mtime - fs.clock.wall_time()) < 2
    assert st.ctime == st.mtime


def test_inode_numbers_are_unique(fs: MemoryFileSystem) -> None:
    a = fs.write_bytes("/data/local/tmp/a", b"")
    b = fs.write_bytes("/data/local/tmp/b", b"")
    assert a.ino != b.ino


# --------------------------------------------------------------------------- file commands

def test_cat_missing_file_uses_toybox_text() -> None:
    (result,) = shell("cat /x")
    assert (result.exit_code, result.stderr) == (1, b"cat: /x: No such file or directory\n")


def test_cat_directory() -> None:
    (result,) = shell("cat /data/local/tmp")
    assert result.stderr == b"cat: /data/local/tmp: Is a directory\n"
    (result,) = shell("cat /data")  # system 0771: the shell may pass through, not read
    assert result.stderr == b"cat: /data: Permission denied\n"


def test_ls_lists_names_one_per_line() -> None:
    _, result = shell("mkdir -p /data/local/tmp/x/y; echo > /data/local/tmp/x/b", "ls /data/local/tmp/x")
    assert result.text == "b\ny\n"


def test_ls_missing_path() -> None:
    (result,) = shell("ls /nope")
    assert (result.exit_code, result.stderr) == (1, b"ls: /nope: No such file or directory\n")


def test_ls_long_format() -> None:
    _, result = shell("echo hello > /data/local/tmp/f", "ls -l /data/local/tmp/f")
    fields = result.text.split()
    assert fields[0] == "-rw-r--r--"
    assert fields[2:5] == ["shell", "shell", "6"]
    assert fields[-1] == "/data/local/tmp/f"


def test_ls_dash_d_and_dash_a() -> None:
    (result,) = shell("ls -d /data/local/tmp")
    assert result.text == "/data/local/tmp\n"
    _, result = shell("mkdir /data/local/tmp/d; echo > /data/local/tmp/d/f", "ls -a /data/local/tmp/d")
    assert result.text == ".\n..\nf\n"
    (result,) = shell("ls -a /data/local")  # root 0751 (init.rc): no read for the shell
    assert (result.exit_code, result.text, result.stderr) == (1, "", b"ls: /data/local: Permission denied\n")


def test_ls_unknown_option() -> None:
    (result,) = shell("ls -z /")
    assert result.exit_code == 1
    assert result.stderr == b"ls: Unknown option 'z' (see \"ls --help\")\n"


def test_rm_variants() -> None:
    results = shell(
        "rm /data/local/tmp/none",
        "rm -f /data/local/tmp/none",
        "mkdir /data/local/tmp/d; rm /data/local/tmp/d",
        "rm -rf /data/local/tmp/d; ls /data/local/tmp",
        "rm",
        "rm -r /",
    )
    assert results[0].stderr == b"rm: /data/local/tmp/none: No such file or directory\n"
    assert results[0].exit_code == 1
    assert results[1].exit_code == 0 and results[1].stderr == b""
    assert results[2].stderr == b"rm: /data/local/tmp/d: Is a directory\n"
    assert (results[3].exit_code, results[3].text) == (0, "")
    assert results[4].stderr == b"rm: Needs 1 argument\n"
    assert results[5].stderr == b"rm: rm /. if you mean it\n"


def test_mkdir_errors_quote_the_path() -> None:
    results = shell("mkdir /data/local/tmp", "mkdir /data/local/tmp/a/b", "mkdir -p /data/local/tmp/a/b")
    assert results[0].stderr == b"mkdir: '/data/local/tmp': File exists\n"
    assert results[1].stderr == b"mkdir: '/data/local/tmp/a/b': No such file or directory\n"
    assert (results[2].exit_code, results[2].stderr) == (0, b"")
