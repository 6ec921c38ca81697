"""The cable's unplug ends its watcher even when one cancellation is swallowed (Python 3.11's
``asyncio.wait_for`` can lose a cancel that races its inner future: CPython gh-86296); before, the
harness's teardown then waited 60 s and failed with TimeoutError."""

from __future__ import annotations

import asyncio
import contextlib

from jobctl_sim.adbd.cable import Cable


def test_unplug_ends_a_watcher_that_swallowed_the_first_cancellation() -> None:
    async def scenario() -> bool:
        async def stubborn_watcher() -> None:
            with contextlib.suppress(asyncio.CancelledError):  # what wait_for does when the cancel races
                await asyncio.sleep(30)
            await asyncio.sleep(30)

        cable = Cable.__new__(Cable)
        task = asyncio.create_task(stubborn_watcher())
        cable._task = task
        await asyncio.sleep(0)  # the watcher is waiting
        unplugging = asyncio.create_task(cable.unplug())
        done, _ = await asyncio.wait({unplugging}, timeout=10)  # the watcher alone would sleep 30 s more
        for left in (unplugging, task):
            left.cancel()
        return unplugging in done and task.done() and cable._task is None

    assert asyncio.run(scenario())
