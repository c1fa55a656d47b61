"""What a Dask worker runs for :mod:`._dask`: the job's state, built once per worker and job
(kept per ``job.key``; the state of an earlier job is dropped), and a group of consecutive tasks
per Dask task (:func:`group_size`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

STATES: dict[str, Any] = {}  # in a Dask worker process: job key → state
STATE_LOCK = threading.Lock()  # a warm-up and a task of one job never build the state twice


def job_state(key: str, make_state: Callable[[], Any]) -> Any:
    with STATE_LOCK:
        state = STATES.get(key)
        if state is None:
            STATES.clear()  # one job's state at a time: a long-lived worker serves many runs
            state = STATES[key] = make_state()
        return state


def warm_state(key: str, make_state: Callable[[], Any]) -> float:
    """Build the job's state on this worker ahead of its first task; the time it was ready."""
    job_state(key, make_state)
    return time.time()


# Tasks per Dask task while many remain. A Dask task costs ~7 ms of CPU (measured with 540 short
# tasks on 2 workers: ~3.5 ms in this process, where the client and the LocalCluster's scheduler
# live, and ~3 ms in its worker), taken from the cores that convert: the run's tasks go up to
# MAX_GROUP at a time while at least GROUP_TAIL × MAX_GROUP per worker remain, fewer as the run
# nears its end, and the last GROUP_TAIL per worker one by one, so the run still ends evenly (the
# last partition leaves a core idle for one partition at most). Vendor A 1M, 135 partitions on 2
# workers: 36 Dask tasks (62 with groups of at most 4 until 16 per worker remained).
MAX_GROUP = 8
GROUP_TAIL = 4


def group_size(remaining: int, n: int) -> int:
    """Tasks in the next Dask task when about ``remaining`` are left for ``n`` workers."""
    return max(1, min(MAX_GROUP, remaining // (GROUP_TAIL * n)))


def run_group(key: str, make_state: Callable[[], Any], run: Callable[[Any, Any], Any], tasks: list[Any],
               chores: Sequence[Callable[[], object]] = ()) -> tuple[list[Any], float, float]:  # fmt: skip
    t0 = time.time()
    for chore in chores:  # the parent's, handed out with this task (executors.Chores)
        chore()
    state = job_state(key, make_state)
    res = [run(state, t) for t in tasks]
    return res, t0, time.time()  # when it ran: the phases the session logs
