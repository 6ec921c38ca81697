"""``jobctl sim …``, ``jobctl devices`` and the global options, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


from bridge.adb.private import PrivateAdbServer
from bridge.device import list_devices
from jobctl_sim import daemon


def jobctl(adb: PrivateAdbServer | None, *args: str, state_dir: Path | None = None,
           env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environment = dict(adb.env if adb else os.environ)
    environment.pop("ANDROID_SERIAL", None)
    if state_dir is not None:
        environment["JOBCTL_STATE_DIR"] = str(state_dir)
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True,
                          timeout=timeout, env=environment)


def _running(pid: int) -> bool:
    """Alive and not a zombie (a detached daemon's zombie stays until init reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_version_prints_the_package_version() -> None:
    from bridge import __version__

    result = jobctl(None, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"jobctl, version {__version__}"


def test_help_imports_neither_adbutils_nor_rich() -> None:
    probe = ("import atexit, sys, runpy; sys.argv=['jobctl','--help']\n"
             "atexit.register(lambda: print('LOADED', sorted(m for m in sys.modules "
             "if m.split('.')[0] in ('adbutils','rich'))))\n"  # jobctl leaves by os._exit, after atexit
             "runpy.run_module('cli.main', run_name='__main__')\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30).stdout
    assert "sim" in out and "devices" in out
    assert out.strip().endswith("LOADED []")


def test_sim_start_status_stop_leaves_nothing_running(adb: PrivateAdbServer, tmp_path: Path) -> None:
    started = jobctl(adb, "--json", "sim", "start", "--count", "2", "--api", "33", state_dir=tmp_path)
    assert started.returncode == 0, started.stderr
    record = json.loads(started.stdout)
    serials = record["serials"]
    assert len(serials) == 2
    try:
        listed = json.loads(jobctl(adb, "--json", "devices", state_dir=tmp_path).stdout)
        ours = [d for d in listed if d["serial"] in serials]
        assert [(d["state"], d["api_level"], d["virtual"]) for d in ours] == [("device", 33, True)] * 2
        status = json.loads(jobctl(adb, "--json", "sim", "status", state_dir=tmp_path).stdout)
        assert {row["serial"] for row in status} == set(serials)
        assert all(row["alive"] for row in status)
        shell = adb.adb("-s", serials[1], "shell", "getprop ro.build.version.sdk; cmd battery unplug; "
                        "content query --uri content://settings/global")
        assert shell.stdout.splitlines()[0] == "33"
        stats = json.loads(jobctl(adb, "--json", "sim", "stats", state_dir=tmp_path).stdout)
        second = next(d for d in stats if d["address"] == serials[1])
        assert second["api_level"] == 33 and second["adb"]["shell_commands"] >= 2
        assert second["costs"]["by_command"]["cmd battery"] == 1 and second["costs"]["by_command"]["content"] == 1
        assert second["costs"]["by_class"]["native"] >= 1 and second["costs"]["by_class"]["app_process"] >= 1
    finally:
        stopped = jobctl(adb, "sim", "stop", state_dir=tmp_path)
    assert stopped.returncode == 0
    assert stopped.stdout.startswith("stopped ")
    assert daemon.records(tmp_path) == []
    assert not any(d.serial in serials for d in list_devices(adb.server))
    assert not _running(record["pid"])


def test_devices_in_a_table_shows_kind_and_api(adb: PrivateAdbServer, serial: str) -> None:
    result = jobctl(adb, "devices")
    assert result.returncode == 0
    line = next(line for line in result.stdout.splitlines() if serial in line)
    assert "device" in line and "34" in line and "virtual" in line


def test_unknown_flag_is_a_usage_error_without_traceback() -> None:
    result = jobctl(None, "devices", "--bogus")
    assert result.returncode == 2
    assert "No such option" in result.stderr and "--bogus" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_api_level_is_refused_before_anything_starts(adb: PrivateAdbServer, tmp_path: Path) -> None:
    result = jobctl(adb, "sim", "start", "--api", "19", state_dir=tmp_path)
    assert result.returncode == 2
    assert "19 is not in the range 26<=x<=37" in result.stderr
    assert "Traceback" not in result.stderr
    assert daemon.records(tmp_path) == []


def test_no_adb_server_reachable_is_exit_5(tmp_path: Path) -> None:
    from bridge.adb.private import free_port

    result = jobctl(None, "--adb-host", "127.0.0.2", "--adb-port", str(free_port()), "devices")
    assert result.returncode == 5
    assert result.stderr.startswith("jobctl: error: no adb server answers at tcp:127.0.0.2:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_unplugs_a_charging_job_and_stops_everything_it_started(tmp_path: Path) -> None:
    result = jobctl(None, "--json", "demo", env={"HOME": str(tmp_path)}, timeout=120)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["stop_reason"], document["stop_reason_code"]) == ("CONSTRAINT_CHARGING", 6)
    first = document["work"][0]
    assert first["delivery_count"] == 1 and first["outcome"] == "in_progress" and first["transferred_down"] > 0
    assert [e["kind"] for e in document["events"]][:3] == ["enqueued", "started", "work_dequeued"]


def test_helper_status_uninstall_and_missing_apk(adb: PrivateAdbServer, serial: str, tmp_path: Path) -> None:
    status = json.loads(jobctl(adb, "-s", serial, "--json", "helper", "status").stdout)
    assert status["installed"] and status["up_to_date"] and status["protocol_version"] == 1
    assert jobctl(adb, "-s", serial, "helper", "uninstall").stdout.strip() == "uninstalled"
    assert "not installed" in jobctl(adb, "-s", serial, "helper", "status").stdout
    missing = jobctl(adb, "-s", serial, "helper", "install", env={"JOBCTL_HELPER_APK": str(tmp_path / "none.apk")})
    assert missing.returncode == 1
    assert missing.stderr.strip().startswith("jobctl: error: the helper is not installed and no APK is at")
    assert len(missing.stderr.strip().splitlines()) == 1


def test_demo_shows_all_three_items_their_outcomes_and_the_redelivery(tmp_path: Path) -> None:
    """Issue 15, item 9: the tour showed one item of three, a second stop it never explained (its
    own restore unplugging again) and Python reprs; now run 2 is its own step."""
    result = jobctl(None, "--json", "demo", env={"HOME": str(tmp_path)}, timeout=120)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    rerun = document["rerun"]
    assert (rerun["end"], rerun["finished_via"]) == ("finished", "work_exhausted")
    assert [(w["tag"], w["delivery_count"], w["outcome"]) for w in rerun["work"]] == [
        ("item-0", 2, "completed"), ("item-1", 1, "completed"), ("item-2", 1, "completed")]
    kinds = [e["kind"] for e in document["events"]]
    assert kinds.count("stopped") == 1 and kinds.count("started") == 2 and kinds[-1] == "finished"
    text = jobctl(None, "demo", env={"HOME": str(tmp_path), "NO_COLOR": "1", "COLUMNS": "200"}, timeout=120)
    assert text.returncode == 0, text.stderr
    for fragment in ("item-1", "item-2", "delivery count 2", "Run 2 completed 3 item(s)",
                     "5. Plug the charger back in"):
        assert fragment in text.stdout, text.stdout
    assert "True" not in text.stdout and "False" not in text.stdout
