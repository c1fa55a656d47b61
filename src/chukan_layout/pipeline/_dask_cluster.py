"""The ``LocalCluster`` a Dask run starts for itself (:mod:`._dask`). Its workers are tuned for
this pipeline (measured on vendor A, 1M residents):

- **forked** from this process where the platform can fork (as the process executor's pool
  is), not spawned: a spawned worker imports ``distributed``, the pipeline and pandas again
  (≈ 1.3 s CPU each, before its first task) and exits slowly (≈ 2 s to close the cluster);
  forked, a worker has them already (2 workers: −2.6 to −5 CPU s per 1M run, first task
  ≈ 5 s earlier at load 9, close 2 s → 0.2 s). The fork happens while the thread that
  planned the run waits (:meth:`~._dask.DaskSession.warm` / :meth:`~._dask.DaskSession.client`), so it never
  catches that thread half-way through an import (whose module lock a child would wait on
  forever). Elsewhere the workers are spawned with a tuned environment
  (:data:`WORKER_ENVIRON`): no ``MALLOC_TRIM_THRESHOLD_=65536`` (distributed's default for
  its workers pins glibc's mmap threshold at 128 KiB: partition CPU +15%, 3× the page
  faults) and ``MALLOC_ARENA_MAX=1`` (the task thread's own arena held ~10 MiB more);
- no statistical profiler (it samples every thread's stack every 10 ms: −0.8 s CPU per worker
  per 1M run), slower housekeeping timers (:data:`_CLUSTER_CONFIG`) and no dashboard (which
  would import bokeh into this process).

Also here: the fork hooks that keep a forked worker from inheriting a held log-handler lock, and
the scheduler-side heartbeat interval.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from typing import Any

# the environment of a LocalCluster's spawned worker processes (see the module docstring); a
# variable the user has set in this process's environment is inherited by the workers and left alone
WORKER_ENVIRON = {"MALLOC_ARENA_MAX": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                  "OPENBLAS_NUM_THREADS": "1"}  # fmt: skip


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


def cluster_config(fork: bool) -> Any:
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


def slow_heartbeats(scheduler: Any, seconds: float = HEARTBEAT_S) -> None:
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
FORKING = threading.Event()  # set while a session forks its workers (DaskSession._start)
_HELD: dict[int, list[logging.Handler]] = {}  # forking thread → handlers it holds


def _log_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger(), *list(logging.Logger.manager.loggerDict.values())]  # a copy: others add
    found = {id(h): h for lg in loggers if isinstance(lg, logging.Logger) for h in lg.handlers}
    return [found[k] for k in sorted(found)]  # one order for every forking thread: no lock cycle


def _before_fork() -> None:
    if FORKING.is_set():
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


def running_workers(workers: dict[str, Any]) -> int:
    """Workers of a scheduler's ``workers`` (read from another thread) that are running."""
    try:
        return sum(
            getattr(getattr(ws, "status", None), "name", "") == "running" for ws in list(workers.values())
        )
    except Exception:  # changed while copied (a SortedDict, written by the event loop): look again
        return 0


def add_workers(cluster: Any, client: Any, n: int, timeout: float = 60) -> None:
    """Start ``n`` forked workers on a LocalCluster started without them, and wait for them."""
    with cluster_config(True):  # the nannies read it as they are created
        cluster.scale(n)
        workers = getattr(getattr(cluster, "scheduler", None), "workers", None)
        if isinstance(workers, dict):  # the scheduler is in this process: a look at it is enough
            deadline = time.monotonic() + timeout
            while running_workers(workers) < n and time.monotonic() < deadline:
                time.sleep(JOIN_POLL_S)
        # once they are all there this asks the scheduler once (no sleep) and refreshes the client's view
        client.wait_for_workers(n, timeout=timeout)


def local_cluster(n: int, fork: bool) -> tuple[Any, Any]:
    """A LocalCluster of ``n`` single-threaded worker processes, forked or spawned, and its
    client (module docstring)."""
    from distributed import Client, LocalCluster

    with cluster_config(fork):  # read by the scheduler, nannies and client as they are created;
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
            slow_heartbeats(getattr(cluster, "scheduler", None))
            return cluster, Client(cluster)
        except BaseException:
            cluster.close()
            raise
