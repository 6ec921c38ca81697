"""``jobctl demo``: a guided tour on a throw-away virtual device.

Start a virtual device, schedule a charging-constrained job with work items, unplug the
charger while it transfers, and show the stop reason and the bytes. Everything it starts (a
private adb server on a free port, the virtual device) is stopped at the end, so the tour
leaves nothing running and never touches the user's adb server.
"""

from __future__ import annotations

from typing import Any

import click

from cli.context import GlobalOptions
from cli.render import Block, Line, Rule, Styled, Table, emit_json, print_blocks, status

JOB_ID = 1
ITEMS = 3
ITEM_BYTES = 4 * 1024 * 1024


@click.command()
@click.option("--api", type=click.IntRange(26, 35), default=34, show_default=True,
              help="API level of the tour's device.")
@click.pass_obj
def demo(options: GlobalOptions, /, api: int) -> None:
    """Schedule a charging job with work items on a virtual device, unplug it, explain the stop."""
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
                with status("waiting for JobScheduler to start the job…"):
                    job.wait_started(timeout=30)
                with status("the job is transferring its first item…"):
                    job.wait_until(lambda e: e.kind.value == "bytes_reported" and e.fields.get("down", 0) > 0, 30,
                                   "transfer progress")
                say(_rule("4. Unplug the charger"))
                with status("unplugging and waiting for onStopJob…"):
                    session.conditions.set_charging(False)
                    run = job.wait_stopped(timeout=30)
            document = _summary(serial, job.events(), run)
        if options.json:
            emit_json(document)
            return
        print_blocks(_summary_blocks(document))
    print_blocks([_rule("Done"), Line("The device and the private adb server are stopped. "
                                      "Try `jobctl sim start` for one that stays up.")])


def _rule(title: str) -> Rule:
    return Rule(title)


def _summary(serial: str, events: list[Any], run: Any) -> dict[str, Any]:
    reason = run.stop_reason
    return {
        "serial": serial,
        "job_id": run.job_id,
        "stop_reason": getattr(reason, "name", reason),
        "stop_reason_code": int(reason) if reason is not None else None,
        "reschedule": run.reschedule,
        "work": [
            {"tag": w.tag, "delivery_count": w.delivery_count, "outcome": w.outcome.value,
             "transferred_down": w.transferred.down if w.transferred else 0,
             "transferred_up": w.transferred.up if w.transferred else 0}
            for w in run.work
        ],
        "events": [{"seq": e.seq, "kind": e.kind.value, **{k: v for k, v in e.fields.items() if k != "spec"}}
                   for e in events],
    }


def _summary_blocks(document: dict[str, Any]) -> list[Block]:
    events = Table(("seq", "event", "details"), tuple(
        (str(event["seq"]), event["kind"],
         ", ".join(f"{k}={v}" for k, v in event.items()
                   if k not in ("seq", "kind", "job_id", "namespace") and v not in (None, False)))
        for event in document["events"]), title="What the helper recorded")
    work = Table(("item", "delivery", "outcome", "downloaded", "uploaded"), tuple(
        (item["tag"], str(item["delivery_count"]), item["outcome"], f"{item['transferred_down']:,} B",
         f"{item['transferred_up']:,} B") for item in document["work"]), title="Work items in that run")
    stopped = (f"Job {document['job_id']} stopped: STOP_REASON_{document['stop_reason']} "
               f"({document['stop_reason_code']}); onStopJob asked to reschedule: {document['reschedule']}")
    redelivered = [e for e in document["events"] if e["kind"] == "work_dequeued" and e.get("delivery_count", 1) > 1]
    if redelivered:
        again = redelivered[0]
        ending = (f"The interrupted item was not completed. When the tour put the charger back as it found it, "
                  f"JobScheduler ran the job again and redelivered {again['tag']} with delivery count "
                  f"{again['delivery_count']} (seq {again['seq']}).")
    else:
        ending = ("The interrupted item was not completed: JobScheduler redelivers it, with a higher delivery "
                  "count, when the job runs again.")
    return [events, Line(""), Line(Styled(stopped, "bold")), work, Line(ending)]
