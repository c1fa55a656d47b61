"""The Dask executor of :func:`~.executors.ordered_map`: tasks run as Dask tasks (``dask`` extra).

A ``dask.distributed`` client on ``scheduler`` (a running cluster, e.g. ``tcp://host:8786``) or
on a ``LocalCluster`` of ``workers`` single-threaded worker processes started for the run and
closed after it. A :class:`DaskSession` connects in a background thread, so a caller can start
it before planning its tasks and plan meanwhile; :meth:`DaskSession.warm` then has every worker
build the job's state (``job.make_state()``, kept per ``job.key`` for the tasks that follow;
the state of an earlier job is dropped) before the first task reaches it. Each task runs
``job.run(state, task)``; results come back in task order, with at most ``4 × workers``
Dask tasks in flight (:data:`IN_FLIGHT`), each running up to :data:`~._dask_tasks.MAX_GROUP` consecutive
tasks while many remain (:func:`~._dask_tasks.group_size`). Tasks carry paths, not bytes: inputs and part
files must be on a filesystem every worker reads and writes at the same path (a shared filesystem).
The client does no bulk byte work a worker can do: the inputs' SHA-256 are Dask tasks on the
workers (:class:`WorkerHashes`), and the copies of merged parts into the outputs ride along with
the next tasks (:class:`~.executors.Chores`); the client hashes each part as it merges it.

The LocalCluster's tuning (forked workers, their environment, quieter timers) is in
:mod:`._dask_cluster`; what a worker runs per task in :mod:`._dask_tasks`.
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import OptionsError
from ._dask_cluster import FORKING, add_workers, local_cluster
from ._dask_hashes import WorkerHashes
from ._dask_tasks import STATE_LOCK, STATES, group_size, run_group, warm_state
from .executors import CAN_FORK, Chores

log = logging.getLogger(__name__)

# Tasks in flight per worker. A result is small (the part files stay on disk) and the scheduler
# hands a worker its next task without waiting for this process, so a window of 4 per worker
# keeps the workers busy while this process merges a slow partition (its first merges import
# and open the outputs): idle time between tasks 3.4–4.7 s → 1.7–1.8 s per vendor A 1M run
# with 2 workers (load 8–9); the process pool keeps 2 per worker.
IN_FLIGHT = 4


class DaskSession:
    """A client of ``scheduler``, or of a ``LocalCluster`` of ``workers`` processes started for
    the run, connected in a background thread from construction on (see the module docstring).
    A LocalCluster whose workers are forked imports ``distributed`` meanwhile, and starts them
    once the caller waits in :meth:`warm` or :meth:`client`.

    :meth:`client` waits for it; :meth:`close` closes what the session started. ``timings``
    holds the phases of the run in seconds since construction: ``imported`` (``distributed``
    imported), ``scheduler_up`` (a LocalCluster's scheduler and client started), ``may_fork``
    (forked workers: the caller's state is built), ``cluster_up`` (client connected, workers up), ``planned`` (the caller began mapping its tasks), ``first_task`` (started on
    a worker), ``last_task`` (ended), ``states_built`` (the last warm-up done), ``busy`` (task
    seconds summed over workers) and ``close`` (seconds to close); logged at INFO on close.
    """

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        self.workers = workers
        self.scheduler = scheduler
        self.t0 = time.time()
        self.timings: dict[str, float] = {}
        self._client: Any = None
        self._cluster: Any = None
        self._error: BaseException | None = None
        self._warmed: set[str] = set()
        self._warm_futures: list[Any] = []  # held until closed: a dropped future's task is cancelled
        self._pending: list[Any] = []  # jobs to warm once connected
        self._lock = threading.Lock()
        self._closer: threading.Thread | None = None
        self.forks = scheduler is None and CAN_FORK  # the workers are forked from this process
        self._may_fork = threading.Event()  # set while the caller's thread waits for the start
        self._closing = False
        if not self.forks:
            self._may_fork.set()
        self._thread = threading.Thread(target=self._connect, name="chukan-dask-connect", daemon=True)
        self._thread.start()

    def _connect(self) -> None:
        try:
            from distributed import Client
        except ModuleNotFoundError as e:
            self._error = e
            return
        self.timings["imported"] = time.time() - self.t0
        try:
            if self.scheduler is not None:
                client = Client(self.scheduler, timeout="30s")
            else:
                # forked workers: the scheduler and client start now, the workers once the
                # caller waits (its state built: they inherit it)
                n = (os.cpu_count() or 1) if self.workers is None else self.workers
                self._cluster, client = local_cluster(0 if self.forks else n, self.forks)
                self.timings["scheduler_up"] = time.time() - self.t0
                if self.forks:
                    self._may_fork.wait()
                    self.timings["may_fork"] = time.time() - self.t0
                    if self._closing:  # closed before it was used: no worker to start
                        client.close()
                        return
                    add_workers(self._cluster, client, n)
            self.timings["cluster_up"] = time.time() - self.t0
            with self._lock:
                self._client = client
                pending, self._pending = self._pending, []
        except BaseException as e:  # re-raised in the caller's thread by client()
            self._error = e
            return
        for job in pending:
            self._submit_warm(job)

    def _submit_warm(self, job: Any) -> None:
        try:
            client = self._client
            for addr in client.scheduler_info(n_workers=-1).get("workers", {}):
                self._warm_futures.append(client.submit(warm_state, job.key, job.make_state, workers=[addr],
                                                        allow_other_workers=False, pure=False, priority=1))  # fmt: skip
        except Exception as e:  # only a head start: the first task builds the state (and fails) itself
            log.debug("warming the Dask workers: %s", e)

    def _start(self) -> None:
        """Let the connecting thread start the workers (forked ones now), and wait for it.

        Forked workers inherit this process's heap (the adapter, layouts and tables of the run
        state: ~10⁵ objects). Frozen (``gc.freeze``) while they fork, those objects stay out of the
        workers' collections: a full collection in a worker walked them all and wrote to each
        object's header, copying the inherited pages (0.13 s CPU per worker per vendor A 1M run,
        the only full collection it makes). This process unfreezes them at once: its own
        collections are unchanged."""
        if self.forks and not self._may_fork.is_set():
            gc.freeze()
            FORKING.set()
            try:
                self._may_fork.set()
                self._thread.join()
            finally:
                FORKING.clear()
                gc.unfreeze()
        self._may_fork.set()
        self._thread.join()

    def client(self) -> Any:
        """The connected client (waits for the background start; its error is raised here)."""
        self._start()
        if self._error is not None:
            e = self._error
            if isinstance(e, ModuleNotFoundError):
                raise OptionsError("executor 'dask' needs Dask: pip install 'chukan-layout[dask]'") from None
            if self.scheduler is not None and isinstance(e, OSError):
                raise OptionsError(f"cannot reach the Dask scheduler at {self.scheduler}: {e}") from None
            raise e
        return self._client

    def input_hashes(self) -> WorkerHashes:
        """The SHA-256 of a run's inputs, computed on this session's workers (:class:`WorkerHashes`)."""
        return WorkerHashes(self)

    def n_workers(self) -> int:
        info = self.client().scheduler_info(n_workers=-1)
        return max(1, len(info.get("workers", {})) or (self.workers or 1))

    def warm(self, job: Any) -> None:
        """Have every worker build ``job``'s state as soon as it is up, ahead of the job's first
        task (one task per worker, ahead of the job's own in priority). With forked workers,
        waits until they are started (see the class docstring); otherwise never waits: before
        the session is connected, the warm-up is left to the connecting thread.

        A job whose ``state`` is built already, on a session whose workers are not forked yet:
        the workers inherit that state (no rebuild: 2 workers built theirs in 0.5–0.8 s at
        once while this process planned, the first task waiting for them), and this process
        lets it go once they are forked (it only merges)."""
        if self.forks and job.make_state is not None:
            seeded = job.state is not None and self._client is None and not self._may_fork.is_set()
            if seeded:
                with STATE_LOCK:
                    STATES.clear()
                    STATES[job.key] = job.state
            self._start()
            if seeded:
                with STATE_LOCK:
                    STATES.pop(job.key, None)
                job.state = None
        with self._lock:
            if job.make_state is None or job.key in self._warmed or self._error is not None:
                return
            self._warmed.add(job.key)
            if self._client is None:
                self._pending.append(job)
                return
        self._submit_warm(job)

    def release(self, after: Callable[[], object] | None = None) -> None:
        """The caller needs the workers no more: close in a background thread (while the caller
        finishes its run), joined by :meth:`close`. ``after``: what that thread waits for first
        (e.g. :meth:`WorkerHashes.settle`: the inputs' hashes still running on the workers), so
        the caller's thread does not."""
        with self._lock:
            if self._closer is None:
                self._closer = threading.Thread(target=self._close_now, args=(after,), name="chukan-dask-close",
                                                daemon=True)  # fmt: skip
                self._closer.start()

    def close(self) -> None:
        """Close the client, and the LocalCluster if this session started one (waits)."""
        self.release()
        assert self._closer is not None
        self._closer.join()

    def _close_now(self, after: Callable[[], object] | None = None) -> None:
        if after is not None:
            try:
                after()
            except Exception as e:  # the caller meets it again where it needs the result
                log.debug("before closing the Dask session: %s", e)
        self._closing = True
        self._may_fork.set()
        self._thread.join()
        t = time.time()
        try:
            ready = [f.result() for f in self._warm_futures if f.status == "finished"]
            if ready:
                self.timings["states_built"] = max(ready) - self.t0
            self._warm_futures.clear()
            if self._client is not None:
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()
        except Exception as e:  # the run's results are in: a cluster that closes badly does not undo them
            log.warning("closing the Dask cluster: %s", e)
        if self.timings:
            self.timings["close"] = time.time() - t
            log.info("dask phases (s since start): %s",
                     ", ".join(f"{k} {v:.2f}" for k, v in self.timings.items()),
                     extra={"phases": dict(self.timings)})  # fmt: skip

    def __enter__(self) -> DaskSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def dask_map(job: Any, tasks: Sequence[Any], *, workers: int | None, scheduler: str | None,
             started: Callable[[], None] | None, session: DaskSession | None = None,
             chores: Chores | None = None) -> Iterator[Any]:  # fmt: skip
    """``job.run(state, task)`` of every task on a Dask cluster, yielded in task order.

    On ``session`` when given (started earlier by the caller, who closes it), else on a session
    started and closed here. Each Dask task takes the ``chores`` put so far along (run before
    its tasks); those put after the last one are the caller's (``chores.run_left()``)."""
    if job.make_state is None:
        raise OptionsError("executor 'dask' needs a job whose state can be rebuilt in another process")
    own = session is None
    s = DaskSession(workers, scheduler) if session is None else session
    s.timings.setdefault("planned", time.time() - s.t0)  # the caller's tasks are ready
    try:
        client = s.client()
        s.warm(job)
        n = s.n_workers()
        todo = iter(tasks)
        total, handed = len(tasks), 0  # len: an estimate while a plan still scans (sizes groups only)

        def submit() -> Any:
            nonlocal handed
            group = list(itertools.islice(todo, group_size(total - handed, n)))
            handed += len(group)
            if not group:
                return None
            extra = chores.take() if chores is not None else []
            return client.submit(run_group, job.key, job.make_state, job.run, group, extra, pure=False)

        window = deque(f for f in itertools.takewhile(bool, (submit() for _ in range(IN_FLIGHT * n))))
        if started is not None:
            started()
        first, last, busy = float("inf"), 0.0, 0.0
        while window:
            f = window.popleft()
            results, t_start, t_end = f.result()
            f.release()
            first, last, busy = min(first, t_start), max(last, t_end), busy + t_end - t_start
            nxt = submit()
            if nxt is not None:
                window.append(nxt)
            elif not window:  # the last result: the phases are known, and our own cluster can go
                s.timings.update(first_task=first - s.t0, last_task=last - s.t0, busy=busy)
                if own:
                    s.release()
            while results:
                yield results.pop(0)
    finally:
        if own:
            s.close()
