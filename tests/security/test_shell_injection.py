"""Every user string that reaches the device shell arrives as the exact text, or is refused first.

Against the real adb server and the virtual device. The device records the argv of every simple
command its shell runs; a payload that broke out of its quoting would show up there as a command
of its own (``touch``) and as the file ``/data/local/tmp/pwned``. For each surface the tests prove
the string arrived intact -- as one argv word, or inside the helper's JSON request and decoded to
the same value -- or that it was refused with a clear error before the device was touched.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest
from click.testing import CliRunner

from bridge.adb.private import PrivateAdbServer
from bridge.conditions import Conditions
from bridge.device import Device, connect
from bridge.errors import InvalidConditionError, JobctlError
from bridge.helper_protocol import HELPER_PACKAGE, INLINE_REQUEST_LIMIT, decode_spec, encode_spec
from bridge.jobs import Session, open_session
from bridge.model import EventKind, ItemScript, JobSpec, Sleep, TriggerContentUri, WorkItem
from bridge.scenario.loader import parse_scenario
from bridge.scenario.runner import run_scenario
from jobctl_sim.device import VirtualDevice
from jobctl_sim.harness import SimHarness
from jobctl_sim.fleet import FleetSpec
from cli.main import cli

PWNED = "/data/local/tmp/pwned"
PAYLOADS = [
    f"x; touch {PWNED}",
    f"$(touch {PWNED})",
    f"`touch {PWNED}`",
    f"'; touch {PWNED}; '",
    f'"; touch {PWNED}; "',
    f"x\ntouch {PWNED}",
    f"x && touch {PWNED}",
    f"x | touch {PWNED}",
    f"x > {PWNED}",
    "*",
    "$HOME ${HOME} $0 $$ $(",
    "\\'\\\"\\\\ \\n",
    "é \u2028 \U0001f600 \ufeff",
    "-r",
    "--user",
]
"""Shell syntax, quotes, newlines, globs, expansions, unicode and option-like words."""
# NUL (and unpaired surrogates) in any string field is refused before the device is touched
# (bridge/validation/sizes.py; tests/bridge/test_input_limits.py), so it is not a payload here.


class Recorder:
    """The argv of every simple command the device's shell runs while it is attached."""

    def __init__(self, sim: SimHarness) -> None:
        self.sim = sim
        self.device: VirtualDevice = sim.devices[0]
        self.argv: list[tuple[str, ...]] = []

    async def _attach(self) -> None:
        self.device.command_observers.append(self.argv.append)

    async def _detach(self) -> None:
        self.device.command_observers.remove(self.argv.append)

    def __enter__(self) -> Self:
        self.sim.call(self._attach())
        return self

    def __exit__(self, *exc: object) -> None:
        self.sim.call(self._detach())

    def mark(self) -> int:
        return len(self.argv)

    def since(self, mark: int) -> list[tuple[str, ...]]:
        return self.argv[mark:]

    def helper_requests(self, mark: int) -> list[dict[str, Any]]:
        """The JSON requests sent inline with ``am broadcast … --es req '<json>'`` since ``mark``."""
        return [json.loads(argv[argv.index("req") + 1]) for argv in self.since(mark)
                if argv[:2] == ("am", "broadcast") and "req" in argv]


def assert_not_pwned(sim: SimHarness, recorder: Recorder) -> None:
    async def exists() -> bool:
        return sim.devices[0].fs.exists(PWNED)

    assert not sim.call(exists()), "a payload ran a command on the device"
    assert not [argv for argv in recorder.argv if argv and argv[0] == "touch"], "a payload became a command"


@pytest.fixture
def recorder(sim: SimHarness) -> Iterator[Recorder]:
    with Recorder(sim) as attached:
        yield attached
    assert_not_pwned(sim, attached)


def _scheduled_echo(session: Session, job_id: int, namespace: str | None) -> JobSpec:
    """The spec the helper says it scheduled (its ``scheduled`` event echoes the SPEC it parsed)."""
    for event in reversed(session.helper.read_journal().events):
        if event.kind is EventKind.SCHEDULED and (event.job_id, event.namespace) == (job_id, namespace):
            return decode_spec(event.fields["spec"])
    raise AssertionError(f"no scheduled event for job {job_id} in namespace {namespace!r}")


# ----------------------------------------------------------------------------- the helper's JSON request


def test_extras_namespaces_and_content_uris_reach_the_helper_as_the_exact_strings(
        session: Session, sim: SimHarness, recorder: Recorder) -> None:
    for n, payload in enumerate(PAYLOADS):
        spec = JobSpec(100 + n, namespace=payload, requires_charging=True,
                       extras={payload: payload, "k": payload}, transient_extras={payload: n},
                       trigger_content_uris=[TriggerContentUri(f"content://media/{payload}", True)])
        mark = recorder.mark()
        session.schedule(spec)
        [request] = recorder.helper_requests(mark)  # one command, the JSON in one argv word
        assert request["spec"] == encode_spec(spec)
        assert _scheduled_echo(session, spec.job_id, payload) == spec


def test_debug_and_trace_tags_reach_the_helper_as_the_exact_strings(adb: PrivateAdbServer) -> None:
    with SimHarness(FleetSpec(api_level=35)) as sim35:  # debug and trace tags are API 35
        sim35.connect(adb.server)
        with Recorder(sim35) as recorder, open_session(sim35.addresses[0], adb.server) as session:
            for n, payload in enumerate(PAYLOADS):
                trace = payload.replace("\n", " ").replace("|", "/")  # the platform refuses |, \n and \0 there
                spec = JobSpec(200 + n, requires_charging=True, debug_tags=[payload, f"tag {n}"], trace_tag=trace)
                mark = recorder.mark()
                session.schedule(spec)
                # A lazy session's first helper call is preceded by its one `info` request.
                [request] = [r for r in recorder.helper_requests(mark) if "spec" in r]
                assert request["spec"] == encode_spec(spec)
                assert _scheduled_echo(session, spec.job_id, None) == spec
        assert_not_pwned(sim35, recorder)


def test_work_item_tags_reach_the_job_exactly_inline_and_through_the_run_as_inbox(
        session: Session, sim: SimHarness, recorder: Recorder) -> None:
    small = [WorkItem(p, script=ItemScript((Sleep(0),))) for p in PAYLOADS]
    large = [WorkItem(f"{n}:{PAYLOADS[n % len(PAYLOADS)]}") for n in range(150)]
    spec = JobSpec(300, requires_charging=True)
    session.conditions.set_charging(False)  # so the job waits for the forced run below
    for items, through_inbox in ((small, False), (large, True)):
        mark = recorder.mark()
        job = session.enqueue(spec, items)
        sent = recorder.since(mark)
        # The helper's inbox is written through run-as (the event stream's journal read is too: not counted).
        run_as = [argv for argv in sent if argv[:2] == ("run-as", HELPER_PACKAGE) and "files/inbox" in " ".join(argv)]
        if through_inbox:  # the request is too big for a command line: stdin of run-as … cat
            assert len(json.dumps([i.tag for i in items])) > INLINE_REQUEST_LIMIT
            assert run_as and run_as[0][2:4] == ("sh", "-c") and "files/inbox/req-" in run_as[0][4]
        else:
            assert not run_as and recorder.helper_requests(mark)[0]["items"][0]["tag"] == PAYLOADS[0]
        job.run(force=True)
        job.wait_stopped(timeout=30)
        dequeued = [e.fields["tag"] for e in job.events() if e.kind is EventKind.WORK_DEQUEUED]
        assert dequeued[-len(items):] == [item.tag for item in items]


# ----------------------------------------------------------------------------- argv words


def test_a_namespace_reaches_cmd_jobscheduler_as_one_argv_word(
        session: Session, sim: SimHarness, recorder: Recorder) -> None:
    session.conditions.set_charging(False)  # each job waits until `run -f` below
    for n, namespace in enumerate(PAYLOADS):
        job = session.schedule(JobSpec(400 + n, namespace=namespace, requires_charging=True))
        mark = recorder.mark()
        state = job.state()
        job.run(force=True)
        assert state.exists, f"the job in namespace {namespace!r} was not found under that name"
        verbs = [argv for argv in recorder.since(mark) if argv[:2] == ("cmd", "jobscheduler")]
        assert verbs == [
            ("cmd", "jobscheduler", "get-job-state", "-u", "0", "-n", namespace, HELPER_PACKAGE, str(400 + n)),
            ("cmd", "jobscheduler", "run", "-f", "-u", "0", "-n", namespace, HELPER_PACKAGE, str(400 + n))]
        job.wait_started(timeout=30)


def test_scenario_namespaces_and_extras_reach_the_device_exactly(
        session: Session, sim: SimHarness, recorder: Recorder) -> None:
    namespace, extra = f"'; touch {PWNED}; '\n$(id)", f"`touch {PWNED}`"
    ns, job_extras = json.dumps(namespace), f"{{ {json.dumps(extra)} = {json.dumps(extra)} }}"
    scenario = parse_scenario(f"""
[scenario]
name = "injection"
min_api = 34
[[step]]
action = "device"
charging = false
[[step]]
action = "schedule"
job = {{ job_id = 501, namespace = {ns}, requires_charging = true, extras = {job_extras} }}
[[step]]
action = "run"
job_id = 501
namespace = {ns}
[[step]]
action = "wait"
until = "started"
job_id = 501
namespace = {ns}
""", "injection.toml")
    mark = recorder.mark()
    result = run_scenario(session, scenario)
    assert result.passed, result.message
    sent = recorder.since(mark)
    assert recorder.helper_requests(mark)[0]["spec"]["extras"] == {extra: extra}
    assert ("cmd", "jobscheduler", "run", "-f", "-u", "0", "-n", namespace, HELPER_PACKAGE, "501") in sent


def test_the_command_line_sends_nasty_flag_values_intact(adb: PrivateAdbServer, serial: str, sim: SimHarness,
                                                         recorder: Recorder) -> None:
    namespace, key, value = f"x; touch {PWNED}", "$(id)", f"`touch {PWNED}`\n'"
    base = ["-P", str(adb.port), "-s", serial, "--json"]
    Conditions(connect(serial, adb.server)).set_charging(False)  # the job waits, so `state` finds it
    mark = recorder.mark()
    scheduled = CliRunner().invoke(cli, [*base, "schedule", "7", "--requires-charging", "--namespace", namespace,
                                         "--extra", f"{key}={value}"], prog_name="jobctl")
    assert scheduled.exit_code == 0, scheduled.output
    state = CliRunner().invoke(cli, [*base, "state", "7", "--namespace", namespace], prog_name="jobctl")
    assert state.exit_code == 0 and json.loads(state.stdout)["exists"] is True, state.output
    [request] = [r for r in recorder.helper_requests(mark) if r["cmd"] == "schedule"]
    assert (request["spec"]["namespace"], request["spec"]["extras"]) == (namespace, {key: value})
    assert ("cmd", "jobscheduler", "get-job-state", "-u", "0", "-n", namespace, HELPER_PACKAGE, "7") in recorder.argv


# ----------------------------------------------------------------------------- refused before the device


BAD_PACKAGES = [f"x; touch {PWNED}", f"$(touch {PWNED})", f"`touch {PWNED}`", "a b", "-r", "--user", "",
                "dev.jobctl.helper;id", "dev..helper", "dev.jobctl.helper\n\n"]


def test_package_names_that_are_not_package_names_are_refused_before_the_device(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, recorder: Recorder) -> None:
    conditions = Conditions(connect(serial, adb.server))
    for package in BAD_PACKAGES:
        mark = recorder.mark()
        for change in (lambda p=package: conditions.set_standby_bucket(p, "rare"),
                       lambda p=package: conditions.set_background_restricted(p, True),
                       lambda p=package: conditions.read([p])):
            with pytest.raises(InvalidConditionError, match="not a package name"):
                change()
        assert recorder.since(mark) == [], f"{package!r} reached the device"
        result = CliRunner().invoke(cli, ["-P", str(adb.port), "-s", serial, "device", "--package", package,
                                          "bucket", "rare"], prog_name="jobctl")
        assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.output
        assert recorder.since(mark) == [], f"{package!r} reached the device from the command line"
    mark = recorder.mark()
    conditions.set_standby_bucket(HELPER_PACKAGE, "rare")
    assert ("am", "set-standby-bucket", HELPER_PACKAGE, "rare") in recorder.since(mark)


def test_a_wifi_ssid_reaches_cmd_netpolicy_as_one_argv_word(adb: PrivateAdbServer, serial: str, sim: SimHarness,
                                                            recorder: Recorder) -> None:
    conditions = Conditions(connect(serial, adb.server), timeout=5)
    for ssid in (p for p in PAYLOADS if len(p.splitlines()) == 1 and p == p.strip()):  # others are refused: see below
        mark = recorder.mark()
        conditions.set_metered(True, ssid=ssid)  # waits until `cmd netpolicy list wifi-networks` shows it
        assert ("cmd", "netpolicy", "set", "metered-network", ssid, "true") in recorder.since(mark)


def test_an_ssid_the_readback_cannot_show_is_refused_before_the_device(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, recorder: Recorder) -> None:
    conditions = Conditions(connect(serial, adb.server), timeout=0.5)
    mark = recorder.mark()
    with pytest.raises(InvalidConditionError):
        conditions.set_metered(True, ssid="two\nlines")
    assert recorder.since(mark) == []


def test_a_package_with_one_trailing_newline_is_refused_before_the_device(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, recorder: Recorder) -> None:
    conditions = Conditions(connect(serial, adb.server))
    mark = recorder.mark()
    with pytest.raises(InvalidConditionError, match="not a package name"):
        conditions.read([f"{HELPER_PACKAGE}\n"])
    assert recorder.since(mark) == []


def test_a_nul_byte_in_a_command_word_is_refused_before_the_device(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, recorder: Recorder) -> None:
    device = connect(serial, adb.server)
    mark = recorder.mark()
    with pytest.raises(JobctlError):
        device.shell(["cmd", "jobscheduler", "get-job-state", "-u", "0", "-n", "a\x00b", HELPER_PACKAGE, "1"])
    assert recorder.since(mark) == []


# ----------------------------------------------------------------------------- file paths


def test_remote_paths_with_shell_syntax_are_pushed_and_pulled_as_exact_names(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, recorder: Recorder) -> None:
    device = connect(serial, adb.server)
    for n, payload in enumerate(p for p in PAYLOADS if "/" not in p and "\n" not in p):
        remote = f"/data/local/tmp/{n} {payload}"
        device.push(payload.encode(), remote)

        async def stored(path: str = remote) -> bytes:
            return sim.devices[0].fs.read_bytes(path)

        assert sim.call(stored()) == payload.encode()
        assert device.pull(remote) == payload.encode()
    assert recorder.argv == []  # sync, not the shell, moved every file


def test_an_apk_at_a_local_path_with_shell_syntax_installs_from_a_name_jobctl_chose(
        adb: PrivateAdbServer, serial: str, sim: SimHarness, recorder: Recorder, tiny_apk: Path,
        tmp_path: Path) -> None:
    local = tmp_path / f"x; touch {Path(PWNED).name} $(id) `id` '\".apk"
    shutil.copy(tiny_apk, local)
    device: Device = connect(serial, adb.server)
    device.install(str(local))
    installs = [argv for argv in recorder.argv if argv[:2] == ("pm", "install")]
    assert len(installs) == 1 and installs[0][-1].startswith("/data/local/tmp/jobctl-")
    assert installs[0][-1].removeprefix("/data/local/tmp/jobctl-").removesuffix(".apk").isalnum()
    assert device.shell(["pm", "path", "org.example.tiny"]).text.startswith("package:")

