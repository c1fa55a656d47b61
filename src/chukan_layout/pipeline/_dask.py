"""The Dask executor of :func:`~.executors.ordered_map`: each task is a Dask task (``dask`` extra).

A ``dask.distributed`` client on ``scheduler`` (a running cluster, e.g. ``tcp://host:8786``) or
on a ``LocalCluster`` of ``workers`` single-threaded worker processes started for the call and
closed after it. Every worker builds the job's state once (``job.make_state()``, kept per
``job.key`` for the tasks that follow; the state of an earlier job is dropped) and runs
``job.run(state, task)``; results come back in task order, with at most ``2 × workers``
tasks in flight. Tasks carry paths, not bytes: inputs and part files must be on a filesystem
every worker reads and writes at the same path (a shared filesystem).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import OptionsError

_STATES: dict[str, Any] = {}  # in a Dask worker process: job key → state


def _dask_task(key: str, make_state: Callable[[], Any], run: Callable[[Any, Any], Any], task: Any) -> Any:
    state = _STATES.get(key)
    if state is None:
        _STATES.clear()  # one job's state at a time: a long-lived worker serves many runs
        state = _STATES[key] = make_state()
    return run(state, task)


def _client(workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    try:
        from distributed import Client, LocalCluster
    except ModuleNotFoundError:
        raise OptionsError("executor 'dask' needs Dask: pip install 'chukan-layout[dask]'") from None
    if scheduler is not None:
        try:
            return Client(scheduler, timeout="30s"), None
        except OSError as e:
            raise OptionsError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    n = (os.cpu_count() or 1) if workers is None else workers
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)  # fmt: skip
    return Client(cluster), cluster


def dask_map(job: Any, tasks: Sequence[Any], *, workers: int | None, scheduler: str | None,
             started: Callable[[], None] | None) -> Iterator[Any]:  # fmt: skip
    """``job.run(state, task)`` of every task on a Dask cluster, yielded in task order."""
    if job.make_state is None:
        raise OptionsError("executor 'dask' needs a job whose state can be rebuilt in another process")
    client, cluster = _client(workers, scheduler)
    try:
        n = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})) or (workers or 1))
        todo = iter(tasks)

        def submit(t: Any) -> Any:
            return client.submit(_dask_task, job.key, job.make_state, job.run, t, pure=False)

        window = deque(submit(t) for t in itertools.islice(todo, 2 * n))
        if started is not None:
            started()
        while window:
            f = window.popleft()
            res = f.result()
            f.release()
            nxt = next(todo, None)
            if nxt is not None:
                window.append(submit(nxt))
            yield res
            del res
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
