"""The Dask executor of :func:`~.executors.ordered_map`: tasks run as Dask tasks (``dask`` extra).

A ``dask.distributed`` client on ``scheduler`` (a running cluster, e.g. ``tcp://host:8786``) or
on a ``LocalCluster`` of ``workers`` single-threaded worker processes started for the run and
closed after it. A :class:`DaskSession` connects in a background thread, so a caller can start
it before planning its tasks and plan meanwhile; :meth:`DaskSession.warm` then has every worker
build the job's state (``job.make_state()``, kept per ``job.key`` for the tasks that follow;
the state of an earlier job is dropped) before the first task reaches it. Each task runs
``job.run(state, task)``; results come back in task order, with at most ``4 × workers``
Dask tasks in flight (:data:`IN_FLIGHT`), each running up to :data:`MAX_GROUP` consecutive
tasks while many remain (:func:`group_size`). Tasks carry paths, not bytes: inputs and part
files must be on a filesystem every worker reads and writes at the same path (a shared filesystem).
The client does no bulk byte work a worker can do: the inputs' SHA-256 are Dask tasks on the
workers (:class:`WorkerHashes`), and the copies of merged parts into the outputs ride along with
the next tasks (:class:`~.executors.Chores`); the client hashes each part as it merges it.

The LocalCluster's workers are tuned for this pipeline (measured on vendor A, 1M residents):

- **forked** from this process where the platform can fork (as the process executor's pool
  is), not spawned: a spawned worker imports ``distributed``, the pipeline and pandas again
  (≈ 1.3 s CPU each, before its first task) and exits slowly (≈ 2 s to close the cluster);
  forked, a worker has them already (2 workers: −2.6 to −5 CPU s per 1M run, first task
  ≈ 5 s earlier at load 9, close 2 s → 0.2 s). The fork happens while the thread that
  planned the run waits (:meth:`DaskSession.warm` / :meth:`DaskSession.client`), so it never
  catches that thread half-way through an import (whose module lock a child would wait on
  forever). Elsewhere the workers are spawned with a tuned environment
  (:data:`WORKER_ENVIRON`): no ``MALLOC_TRIM_THRESHOLD_=65536`` (distributed's default for
  its workers pins glibc's mmap threshold at 128 KiB: partition CPU +15%, 3× the page
  faults) and ``MALLOC_ARENA_MAX=1`` (the task thread's own arena held ~10 MiB more);
- no statistical profiler (it samples every thread's stack every 10 ms: −0.8 s CPU per worker
  per 1M run), slower housekeeping timers (:data:`_CLUSTER_CONFIG`) and no dashboard (which
  would import bokeh into this process).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ..errors import OptionsError
from .executors import CAN_FORK, Chores

log = logging.getLogger(__name__)

_STATES: dict[str, Any] = {}  # in a Dask worker process: job key → state
_STATE_LOCK = threading.Lock()  # a warm-up and a task of one job never build the state twice

# the environment of a LocalCluster's spawned worker processes (see the module docstring); a
# variable the user has set in this process's environment is inherited by the workers and left alone
WORKER_ENVIRON = {"MALLOC_ARENA_MAX": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                  "OPENBLAS_NUM_THREADS": "1"}  # fmt: skip


# Tasks in flight per worker. A result is small (the part files stay on disk) and the scheduler
# hands a worker its next task without waiting for this process, so a window of 4 per worker
# keeps the workers busy while this process merges a slow partition (its first merges import
# and open the outputs): idle time between tasks 3.4–4.7 s → 1.7–1.8 s per vendor A 1M run
# with 2 workers (load 8–9); the process pool keeps 2 per worker.
IN_FLIGHT = 4


def _state(key: str, make_state: Callable[[], Any]) -> Any:
    with _STATE_LOCK:
        state = _STATES.get(key)
        if state is None:
            _STATES.clear()  # one job's state at a time: a long-lived worker serves many runs
            state = _STATES[key] = make_state()
        return state


def _warm(key: str, make_state: Callable[[], Any]) -> float:
    """Build the job's state on this worker ahead of its first task; the time it was ready."""
    _state(key, make_state)
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


def _dask_task(key: str, make_state: Callable[[], Any], run: Callable[[Any, Any], Any], tasks: list[Any],
               chores: Sequence[Callable[[], object]] = ()) -> tuple[list[Any], float, float]:  # fmt: skip
    t0 = time.time()
    for chore in chores:  # the parent's, handed out with this task (executors.Chores)
        chore()
    state = _state(key, make_state)
    res = [run(state, t) for t in tasks]
    return res, t0, time.time()  # when it ran: the phases the session logs


# distributed's defaults wake every process many times a second; measured on an idle LocalCluster
# of 2 workers over 20 s: this process 0.77 s CPU and each worker 0.38 s with them, 0.13 s and
# 0.06 s with these (event-loop health tick 20 ms → 1 s, system monitor 0.5 → 5 s, the nanny's
# memory poll 0.1 → 1 s, the cluster's repr refresh 0.5 → 5 s), and no statistical profiler
_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.deploy.cluster-repr-interval": "5s",
    # the scheduler's own rounds: work stealing (every 1 s; the parent hands out a window of tasks
    # itself), the active memory manager (every 2 s; no task here keeps data on a worker) and
    # the client's refresh of the scheduler's info (every 2 s)
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.active-memory-manager.start": False,
    "distributed.client.scheduler-info-interval": "10s",
}


def _cluster_config(fork: bool) -> Any:
    """``dask.config.set`` of the LocalCluster's settings (module docstring)."""
    import dask
    import distributed  # noqa: F401 - first: its defaults must be in dask.config

    # the nanny sets these in this process's environment before it starts a worker: a forked
    # worker has its allocator already (nothing to set), a spawned one reads them at start
    env = {} if fork else {k: v for k, v in WORKER_ENVIRON.items() if k not in os.environ}
    cfg = {**_CLUSTER_CONFIG, "distributed.nanny.pre-spawn-environ": env,
           "distributed.worker.multiprocessing-method": "fork" if fork else "spawn"}  # fmt: skip
    return dask.config.set(cfg)


# Seconds between a LocalCluster worker's heartbeats: the scheduler asks for one every 0.5 s from
# a cluster of ≤ 10 workers (each gathers the worker's metrics and wakes both event loops). A
# worker that dies is seen by its nanny and by its closed connection at once, and the worker
# time-to-live is minutes: every 2 s is plenty for a run on one machine.
HEARTBEAT_S = 2.0


def _slow_heartbeats(scheduler: Any, seconds: float = HEARTBEAT_S) -> None:
    """Have the workers of ``scheduler`` (a LocalCluster's, in this process) heartbeat every
    ``seconds`` at most: the interval its ``heartbeat_worker`` answers is raised. Left as it is
    where distributed has no such handler."""
    handlers = getattr(scheduler, "handlers", None)
    if not isinstance(handlers, dict) or handlers.get("heartbeat_worker") is None:
        return
    beat = handlers["heartbeat_worker"]

    def heartbeat_worker(**kw: Any) -> Any:
        r = beat(**kw)
        if isinstance(r, dict) and isinstance(r.get("heartbeat-interval"), (int, float)):
            r["heartbeat-interval"] = max(r["heartbeat-interval"], seconds)
        return r

    handlers["heartbeat_worker"] = heartbeat_worker


# Log handlers held by the thread that forks a LocalCluster worker (distributed forks from one of
# its own threads while the event loop runs). A thread in the middle of a handler's emit holds
# the handler's lock and its stream's buffer lock; logging gives the child new handler locks, but
# a buffer lock taken at the fork stays taken in the child, whose first log record then waits
# forever (seen under pytest, whose handlers take every record: a forked worker hung in
# StreamHandler.flush). Taking every handler's lock before the fork means no emit is under way.
_FORKING = threading.Event()  # set while a session forks its workers (DaskSession._start)
_HELD: dict[int, list[logging.Handler]] = {}  # forking thread → handlers it holds


def _log_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger(), *list(logging.Logger.manager.loggerDict.values())]  # a copy: others add
    found = {id(h): h for lg in loggers if isinstance(lg, logging.Logger) for h in lg.handlers}
    return [found[k] for k in sorted(found)]  # one order for every forking thread: no lock cycle


def _before_fork() -> None:
    if _FORKING.is_set():
        held = []
        for h in _log_handlers():
            h.acquire()
            held.append(h)
        _HELD[threading.get_ident()] = held


def _after_fork_in_parent() -> None:
    for h in reversed(_HELD.pop(threading.get_ident(), [])):
        h.release()


def _after_fork_in_child() -> None:
    for h in reversed(_HELD.pop(threading.get_ident(), [])):
        with contextlib.suppress(RuntimeError):  # logging may have given it a new lock already
            h.release()
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                        after_in_child=_after_fork_in_child)  # fmt: skip


# How often to look whether the forked workers have joined the LocalCluster's scheduler (in this
# process). The client's own wait asks the scheduler every 0.1 s, and a forked worker joins ~0.05 s
# after it was started: the first task waited ~0.05 s more than it had to.
JOIN_POLL_S = 0.005


def _running(workers: dict[str, Any]) -> int:
    """Workers of a scheduler's ``workers`` (read from another thread) that are running."""
    try:
        return sum(
            getattr(getattr(ws, "status", None), "name", "") == "running" for ws in list(workers.values())
        )
    except Exception:  # changed while copied (a SortedDict, written by the event loop): look again
        return 0


def _add_workers(cluster: Any, client: Any, n: int, timeout: float = 60) -> None:
    """Start ``n`` forked workers on a LocalCluster started without them, and wait for them."""
    with _cluster_config(True):  # the nannies read it as they are created
        cluster.scale(n)
        workers = getattr(getattr(cluster, "scheduler", None), "workers", None)
        if isinstance(workers, dict):  # the scheduler is in this process: a look at it is enough
            deadline = time.monotonic() + timeout
            while _running(workers) < n and time.monotonic() < deadline:
                time.sleep(JOIN_POLL_S)
        # once they are all there this asks the scheduler once (no sleep) and refreshes the client's view
        client.wait_for_workers(n, timeout=timeout)


def _local_cluster(n: int, fork: bool) -> tuple[Any, Any]:
    """A LocalCluster of ``n`` single-threaded worker processes, forked or spawned, and its
    client (module docstring)."""
    from distributed import Client, LocalCluster

    with _cluster_config(fork):  # read by the scheduler, nannies and client as they are created;
        # the nannies pass it on to their worker processes
        # no dashboard; the scheduler's own HTTP endpoints (health, metrics) on a free local port:
        # by default it tries 8787 and warns "Port 8787 is already in use" beside another cluster
        # memory_limit=0: no memory manager in the worker nor its nanny polling the worker's RSS
        # every second (a task's memory is bounded by the pipeline itself, issue 15 point 5)
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                               memory_limit=0,
                               scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                               silence_logs=logging.ERROR)  # fmt: skip
        try:
            _slow_heartbeats(getattr(cluster, "scheduler", None))
            return cluster, Client(cluster)
        except BaseException:
            cluster.close()
            raise


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
                self._cluster, client = _local_cluster(0 if self.forks else n, self.forks)
                self.timings["scheduler_up"] = time.time() - self.t0
                if self.forks:
                    self._may_fork.wait()
                    self.timings["may_fork"] = time.time() - self.t0
                    if self._closing:  # closed before it was used: no worker to start
                        client.close()
                        return
                    _add_workers(self._cluster, client, n)
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
                self._warm_futures.append(client.submit(_warm, job.key, job.make_state, workers=[addr],
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
            _FORKING.set()
            try:
                self._may_fork.set()
                self._thread.join()
            finally:
                _FORKING.clear()
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
                with _STATE_LOCK:
                    _STATES.clear()
                    _STATES[job.key] = job.state
            self._start()
            if seeded:
                with _STATE_LOCK:
                    _STATES.pop(job.key, None)
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


# Priority of the input hashes over the partitions (Dask runs higher priorities first): each
# input's SHA-256 starts as soon as a worker is free, early in the run, never in its tail.
HASH_PRIORITY = 1


class WorkerHashes:
    """:func:`~chukan_layout.files.sha256_file` of a run's inputs as Dask tasks on the session's
    workers, one per file, ahead of the partitions (:data:`HASH_PRIORITY`); the interface of
    :class:`~chukan_layout.files.BackgroundHashes`.

    The client reads none of the input bytes: on a cluster it may be far from the shared
    filesystem, and hashing there is the serial share of a run (a vendor A 1M run's inputs are
    2.3 GB: 1.3–1.7 s of the client's CPU, beside the merge, at the hash's hardware speed). A
    worker reads them at the same path as its partitions. With 2 or more workers, one worker
    hashes while the others convert; with one, the worker does both in turn."""

    def __init__(self, session: DaskSession) -> None:
        self._session = session
        self._futures: dict[str, Any] | None = None
        self._done: dict[str, tuple[int, str]] = {}
        self._failed: dict[str, BaseException] = {}
        self._lock = threading.Lock()  # settled by the session's closing thread, read by the run's

    def start(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Submit the hashes (once: a second call does nothing)."""
        if self._futures is not None:
            return
        from ..files import sha256_file

        client = self._session.client()
        self._futures = {str(p): client.submit(sha256_file, str(p), pure=False, priority=HASH_PRIORITY)
                         for p in paths}  # fmt: skip

    def settle(self) -> None:
        """Wait until every hash is done or failed (kept: the client may close afterwards)."""
        with self._lock:
            for p, f in (self._futures or {}).items():
                if p in self._done or p in self._failed:
                    continue
                try:
                    size, digest = f.result()
                except Exception as e:  # raised by result(), in the run's thread
                    self._failed[p] = e
                else:
                    self._done[p] = (int(size), str(digest))

    def result(self) -> dict[str, tuple[int, str]]:
        """``{str(path): (size, sha256 hex)}`` of every started path (waits for them)."""
        self.settle()
        with self._lock:
            for p in self._futures or {}:  # the first failure in path order, as the run met it
                if p in self._failed:
                    raise self._failed[p]
            return dict(self._done)

    def close(self) -> None:
        """Let the hashes go (a task not run yet is cancelled)."""
        for f in (self._futures or {}).values():
            with contextlib.suppress(Exception):  # the cluster may be closing: nothing left to free
                f.release()
        self._futures = {} if self._futures is not None else None


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
            return client.submit(_dask_task, job.key, job.make_state, job.run, group, extra, pure=False)

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
