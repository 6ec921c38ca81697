"""``jobctl demo``: a guided tour on a throw-away virtual device.

Start a virtual device, schedule a charging-constrained job with three work items, unplug the
charger while the first one transfers, show the stop reason and the bytes, plug the charger back
in and show the job run again: the interrupted item redelivered (delivery count 2) and all three
completed. Everything it starts (a private adb server on a free port, the virtual device) is
stopped at the end, so the tour leaves nothing running and never touches the user's adb server.
"""

from __future__ import annotations

from typing import Any

import click

from cli.commands.sim import API_LEVELS

from cli.context import GlobalOptions
from cli.render import Block, Line, Rule, Styled, Table, emit_json, print_blocks, status

JOB_ID = 1
ITEMS = 3
ITEM_BYTES = 4 * 1024 * 1024


@click.command()
@click.option("--api", type=API_LEVELS, default=34, show_default=True,
              help="API level of the tour's device.")
@click.pass_obj
def demo(options: GlobalOptions, /, api: int) -> None:
    """Schedule a charging job with work items on a virtual device, unplug it, explain the stop,
    plug it back in and show the interrupted item redelivered.

    \b
    Examples:
      jobctl demo
      jobctl demo --json
    """
    from bridge.adb.private import PrivateAdbServer
    from bridge.fleet import describe_devices
    from bridge.device import connect
    from bridge.jobs import Session
    from bridge.model import JobSpec, WorkItem
    from bridge.model.script import Hold, ItemScript, JobScript, Transfer, Work
    from jobctl_sim.harness import SimHarness
    from jobctl_sim.fleet import FleetSpec

    def say(block: Block | str) -> None:
        if not options.json:
            print_blocks([Line(block) if isinstance(block, str) else block])

    with PrivateAdbServer() as adb, SimHarness(FleetSpec(api_level=api)) as sim:
        with status("starting a virtual device…"):
            serial = sim.connect(adb.server)[0]
        described = describe_devices(adb.server)
        say(_rule("1. A virtual device, as the real adb server sees it"))
        say(f"{serial}  {described[0].model}  API {described[0].api_level}  "
            "(virtual; the jobctl helper is preinstalled)")
        with Session(connect(serial, adb.server)) as session:
            say(_rule("2. Plug in the charger, the way JobScheduler notices it"))
            session.helper.leave_never_bucket()
            with session.conditions.snapshot():
                with status("charging: level rise, battery_charged_delay_ms=0, waiting for get-battery-charging…"):
                    session.conditions.set_charging(True)
                say("cmd jobscheduler get-battery-charging → true")
                say(_rule(f"3. Schedule job {JOB_ID} (requires charging) with {ITEMS} work items"))
                item_script = ItemScript(steps=(Transfer(down=ITEM_BYTES, up=ITEM_BYTES // 16, ms=1500, chunks=3),))
                spec = JobSpec(JOB_ID, requires_charging=True,
                               script=JobScript(steps=(Work(), Hold()), on_stop_reschedule=True))
                job = session.enqueue(spec, [WorkItem(f"item-{n}", script=item_script) for n in range(ITEMS)])
                say(f"enqueued {', '.join(f'item-{n}' for n in range(ITEMS))}: each downloads "
                    f"{ITEM_BYTES // (1024 * 1024)} MiB (and uploads a 16th of that) in 1.5 s")
                with status("waiting for JobScheduler to start the job…"):
                    job.wait_started(timeout=30)
                with status("the job is transferring its first item…"):
                    job.wait_until(lambda e: e.kind.value == "bytes_reported" and e.fields.get("down", 0) > 0, 30,
                                   "transfer progress")
                say("the job started and item-0 is transferring")
                say(_rule("4. Unplug the charger"))
                with status("unplugging and waiting for onStopJob…"):
                    session.conditions.set_charging(False)
                    run = job.wait_stopped(timeout=30)
                say(f"onStopJob: {_reason_text(run.stop_reason)}; it asked to be rescheduled "
                    f"({'true' if run.reschedule else 'false'})")
                say(_rule("5. Plug the charger back in"))
                with status("charging again; the job runs again and works through its items…"):
                    session.conditions.set_charging(True)
                    rerun = job.wait_stopped(timeout=60)
            document = _summary(serial, job.events(), run, rerun)
        if options.json:
            emit_json(document)
            return
        print_blocks(_summary_blocks(document))
    print_blocks([_rule("Done"), Line("The device and the private adb server are stopped. "
                                      "Try `jobctl sim start` for one that stays up.")])


def _rule(title: str) -> Rule:
    return Rule(title)


def _reason_text(reason: Any) -> str:
    if reason is None:
        return "no stop reason (API < 31)"
    return f"STOP_REASON_{getattr(reason, 'name', reason)} ({int(reason)})"


def _deliveries(run: Any) -> list[dict[str, Any]]:
    return [{"tag": w.tag, "delivery_count": w.delivery_count, "outcome": w.outcome.value,
             "transferred_down": w.transferred.down if w.transferred else 0,
             "transferred_up": w.transferred.up if w.transferred else 0} for w in run.work]


def _summary(serial: str, events: list[Any], run: Any, rerun: Any) -> dict[str, Any]:
    """The tour as one document: the stopped run (``stop_reason``, ``work``), the run after the
    charger came back (``rerun``) and every event of the job, in order."""
    reason = run.stop_reason
    return {
        "serial": serial,
        "job_id": run.job_id,
        "stop_reason": getattr(reason, "name", reason),
        "stop_reason_code": int(reason) if reason is not None else None,
        "reschedule": run.reschedule,
        "work": _deliveries(run),
        "rerun": {"end": rerun.end.value if rerun.end is not None else None, "finished_via": rerun.finished_via,
                  "stop_reason": getattr(rerun.stop_reason, "name", rerun.stop_reason), "work": _deliveries(rerun)},
        "events": [{"seq": e.seq, "kind": e.kind.value, **{k: v for k, v in e.fields.items() if k != "spec"}}
                   for e in events],
    }


OUTCOMES = {"in_progress": "interrupted", "completed": "completed", "incomplete": "left incomplete"}


def _value(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _summary_blocks(document: dict[str, Any]) -> list[Block]:
    events = Table(("seq", "event", "details"), tuple(
        (str(event["seq"]), event["kind"],
         ", ".join(f"{k}={_value(v)}" for k, v in event.items()
                   if k not in ("seq", "kind", "job_id", "namespace") and v is not None
                   and not (event["kind"] == "started" and v is False)))
        for event in document["events"]), title="What the helper recorded")
    rows = [("1 (unplugged)", item["tag"], str(item["delivery_count"]), OUTCOMES[item["outcome"]],
             f"{item['transferred_down']:,} B", f"{item['transferred_up']:,} B") for item in document["work"]]
    rows += [("2 (charging again)", item["tag"], str(item["delivery_count"]), OUTCOMES[item["outcome"]],
              f"{item['transferred_down']:,} B", f"{item['transferred_up']:,} B")
             for item in document["rerun"]["work"]]
    work = Table(("run", "item", "delivery", "outcome", "downloaded", "uploaded"), tuple(rows),
                 title="The work items, run by run")
    stopped = (f"Run 1 of job {document['job_id']} stopped: STOP_REASON_{document['stop_reason']} "
               f"({document['stop_reason_code']}); onStopJob asked to be rescheduled.")
    interrupted = [item["tag"] for item in document["work"] if item["outcome"] != "completed"]
    again = {item["tag"]: item for item in document["rerun"]["work"]}
    lines = [f"{tag} was interrupted, not completed: JobScheduler delivered it again in run 2 "
             f"(delivery count {again[tag]['delivery_count']}), where it was {OUTCOMES[again[tag]['outcome']]}."
             for tag in interrupted if tag in again]
    done = sum(1 for item in document["rerun"]["work"] if item["outcome"] == "completed")
    ending = document["rerun"]["finished_via"]
    lines.append(f"Run 2 completed {done} item(s) and ended "
                 + ("when no work was left (dequeueWork() returned null)." if ending == "work_exhausted"
                    else f"with {document['rerun']['end']}."))
    return [events, Line(""), Line(Styled(stopped, "bold")), work, *(Line(line) for line in lines)]
