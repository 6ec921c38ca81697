"""Issue 14 item 5: ``getPendingJobReasons``/``…History`` (36) and ``getPendingJobReasonStats`` (37)
through the helper's ``pending_reasons`` command on the virtual device, and null on older levels."""

from __future__ import annotations

from tests.jobctl_sim.apps.test_helper_app import activate, command, device, ok, run

CHARGING = 5  # PENDING_JOB_REASON_CONSTRAINT_CHARGING
CONNECTIVITY = 6
REQUEST = {"v": 1, "cmd": "pending_reasons", "job_id": 1}


def _spec() -> dict[str, object]:
    return {"job_id": 1, "requires_charging": True, "network_type": "unmetered"}


def test_android_17_reports_every_reason_its_history_and_the_time_waited() -> None:
    async def body() -> None:
        dev = device(api=37)
        assert (await dev.shell("cmd battery unplug")).exit_code == 0
        assert (await dev.shell("svc wifi disable")).exit_code == 0
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": _spec()})
        await activate(dev)
        await dev.clock.sleep(60)
        result = await ok(dev, REQUEST)
        assert result["reason"] == CHARGING
        assert result["reasons"] == [CHARGING, CONNECTIVITY]
        assert result["history"] and result["history"][-1]["reasons"] == [CHARGING, CONNECTIVITY]
        stats = {entry["reason"]: entry["ms"] for entry in result["stats"]}
        assert stats[CHARGING] >= 59_000 and stats[CONNECTIVITY] >= 59_000  # both count at once
        assert (await dev.shell("cmd battery reset")).exit_code == 0
        await dev.clock.sleep(1)
        later = await ok(dev, REQUEST)
        assert later["reasons"] == [CONNECTIVITY]
        assert [h["reasons"] for h in later["history"]][-2:] == [[CHARGING, CONNECTIVITY], [CONNECTIVITY]]

    run(body)


def test_android_16_has_reasons_and_history_but_no_stats() -> None:
    async def body() -> None:
        dev = device(api=36)
        assert (await dev.shell("cmd battery unplug")).exit_code == 0
        await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 1, "requires_charging": True}})
        await activate(dev)
        await dev.clock.sleep(5)
        result = await ok(dev, REQUEST)
        assert (result["reason"], result["reasons"], result["stats"]) == (CHARGING, [CHARGING], None)
        assert result["history"][-1]["reasons"] == [CHARGING]

    run(body)


def test_an_unknown_job_is_the_platforms_illegal_argument_exception_on_16_and_17() -> None:
    """``getPendingJobReasonsHistory`` throws for a job the service does not hold (16: "Invalid job
    id", 17: "Job not found for uid=…"); the helper relays it as ``platform_exception`` (§4), as
    the Java helper does."""
    async def body() -> None:
        for api, message in ((36, "Invalid job id"), (37, "Job not found for uid=10123, namespace=null, jobId=42")):
            dev = device(api=api)
            code, response = await command(dev, {**REQUEST, "job_id": 42})
            assert (code, response["ok"]) == (2, False), response
            assert response["error"] == {"code": "platform_exception", "message": message,
                                         "type": "java.lang.IllegalArgumentException", "details": None}

    run(body)


def test_android_15_and_13_answer_null_for_the_getters_they_lack() -> None:
    async def body() -> None:
        for api, reason in ((35, CHARGING), (33, None)):
            dev = device(api=api)
            assert (await dev.shell("cmd battery unplug")).exit_code == 0
            await ok(dev, {"v": 1, "cmd": "schedule", "spec": {"job_id": 1, "requires_charging": True}})
            await activate(dev)
            await dev.clock.sleep(1)
            result = await ok(dev, REQUEST)
            assert (result["reason"], result["reasons"], result["history"], result["stats"]) == (
                reason, None, None, None)

    run(body)
