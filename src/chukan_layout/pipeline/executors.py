"""Where the partitions of a run are worked on: this process, a local process pool, or Dask.

The one entry point, reusable by every command that fans work out over partitions
(``convert``, ``validate``, ``reconcile``)::

    ordered_map(job: Job[S, T, R], tasks: Sequence[T], *, workers: int | None = None,
                executor: str = "processes", scheduler: str | None = None,
                started: Callable[[], None] | None = None) -> Iterator[R]

yields ``job.run(state, task)`` for every task **in task order**, whatever finished first, so
the caller can merge results in order and get byte-identical outputs across executors and
worker counts. A :class:`Job` says how a process gets its state ``S`` (the compiled stages of
the run, built once per process):

- ``state``: already built in this process. Used as is when the work stays here (one worker),
  and inherited by forked pool workers (no rebuild, no pickling);
- ``make_state``: a picklable callable that builds the state in a fresh process (spawned pool
  workers, Dask workers; Dask workers keep it per ``key`` for the tasks that follow);
- ``run``: a picklable module-level function ``run(state, task) -> result``;
- ``child``: called on the state in a pool worker before the first task (e.g. to drop a
  callback that belongs to the parent).

``workers`` is the number of processes (``None``: one per core), never more than the tasks;
at most ``2 × workers`` tasks are in flight (4 × with Dask, whose scheduler feeds the workers
without waiting for the parent), so results waiting to be merged in order do not pile up in
the parent. ``started()`` is called once the workers exist (start threads after
forking, not before). With ``executor="dask"`` (the ``dask`` extra), tasks run on the
``dask.distributed`` cluster at ``scheduler``, or on a ``LocalCluster`` of ``workers``
processes started for the run; inputs and part files must then live on a filesystem every
worker can read and write (a shared filesystem: paths are sent, not bytes). A caller that
knows it will use Dask before it has planned its tasks opens :func:`executor_session` first
and passes it as ``session``: the cluster starts while the caller plans.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ._dask import DaskSession

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

CAN_FORK = "fork" in multiprocessing.get_all_start_methods()


@dataclass
class Job(Generic[S, T, R]):
    """How to work on one task, and how a process gets the state it needs (see the module docstring)."""

    run: Callable[[S, T], R]
    state: S | None = None
    make_state: Callable[[], S] | None = None
    child: Callable[[S], S] | None = None
    key: str = "job"

    def local_state(self) -> S:
        if self.state is None:
            assert self.make_state is not None, "a Job needs a state or a make_state"
            self.state = self.make_state()
        return self.state


class Chores:
    """Small picklable jobs of the parent's (e.g. copying a merged part into its output,
    :class:`~chukan_layout.files.AppendAt`) that ride along with the next task handed to a Dask
    worker, which runs them before the task (:func:`ordered_map`'s ``chores``): the parent
    only merges and hashes, and no extra Dask task is paid for them. A chore put once no task
    is left to hand out is run here by :meth:`run_left`; a task's chores are done when its
    result is in."""

    def __init__(self) -> None:
        self._todo: deque[Callable[[], object]] = deque()
        self._lock = threading.Lock()

    def put(self, chore: Callable[[], object]) -> None:
        with self._lock:
            self._todo.append(chore)

    def take(self) -> list[Callable[[], object]]:
        """Every chore put so far, in order (they leave the queue)."""
        with self._lock:
            out = list(self._todo)
            self._todo.clear()
        return out

    def run_left(self) -> None:
        """Run the chores no task took, here, in order (call once every task's result is in)."""
        for chore in self.take():
            chore()


class Background:
    """``fn()`` in a thread of this process, started at once; :meth:`join` waits for it and raises
    what it raised. For the serial end of a run: work that releases the GIL (kernel copies,
    fsync, waiting on another process) goes on beside the run's own last steps, on a core the
    finished workers left idle."""

    def __init__(self, fn: Callable[[], object], name: str = "chukan-background") -> None:
        self._error: BaseException | None = None
        self._fn = fn
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._fn()
        except BaseException as e:  # re-raised by join() in the caller's thread
            self._error = e

    def join(self) -> None:
        self._thread.join()
        if self._error is not None:
            e, self._error = self._error, None
            raise e


# Below this much input a run started without a worker count stays in this process: forking a
# pool and warming each worker costs more (≈ 0.1 s CPU per worker) than it can save (issue 15).
SMALL_INPUT_BYTES = 1 << 20


def n_workers(workers: int | None, n_tasks: int, input_bytes: int | None = None) -> int:
    """Processes for ``n_tasks`` tasks: ``workers`` (``None``: one per core, or one when the
    ``input_bytes`` of the run are below :data:`SMALL_INPUT_BYTES`), at most one per task."""
    if n_tasks <= 1 or (workers is None and input_bytes is not None and input_bytes < SMALL_INPUT_BYTES):
        return 1
    n = (os.cpu_count() or 1) if workers is None else workers
    return max(1, min(n, n_tasks))


@contextmanager
def executor_session(executor: str, workers: int | None = None, scheduler: str | None = None
                     ) -> Iterator[DaskSession | None]:  # fmt: skip
    """For ``executor="dask"``: a :class:`~._dask.DaskSession` connecting (and starting its
    LocalCluster) in the background from now on, closed on exit; pass it to :func:`ordered_map`
    and plan the tasks meanwhile. ``None`` for the process executor (its pool forks later)."""
    if executor != "dask":
        yield None
        return
    from ._dask import DaskSession

    with DaskSession(workers, scheduler) as session:
        yield session


def ordered_map(
    job: Job[S, T, R], tasks: Sequence[T], *, workers: int | None = None, executor: str = "processes",
    scheduler: str | None = None, started: Callable[[], None] | None = None,
    session: DaskSession | None = None, chores: Chores | None = None,
) -> Iterator[R]:  # fmt: skip
    """``job.run(state, task)`` of every task, yielded in task order (see the module docstring).

    ``chores`` (Dask only): what the caller puts there goes to the workers with the next tasks."""
    if executor == "dask":
        from ._dask import dask_map

        yield from dask_map(
            job, tasks, workers=workers, scheduler=scheduler, started=started, session=session, chores=chores
        )
        return
    if executor != "processes":
        from ..errors import OptionsError

        raise OptionsError(f"executor must be processes or dask, got {executor!r}")
    n = n_workers(workers, len(tasks))
    if n <= 1:
        state = job.local_state()
        if started is not None:
            started()
        for t in tasks:
            yield job.run(state, t)
        return
    yield from _pool_map(job, tasks, n, started)


# The state of a pool worker process: set once by the pool's initializer, read by every task.
_WORKER: tuple[Callable[[Any, Any], Any], Any] | None = None


def _init_pool_worker(job: Job[Any, Any, Any], forked: bool, parent: int | None = None) -> None:
    global _WORKER
    from .lock import exit_with_parent

    # never outlive a killed parent (issue 14); Ctrl-C is the parent's to handle
    exit_with_parent(parent=parent)
    state = job.state if forked and job.state is not None else job.local_state()
    if job.child is not None:
        state = job.child(state)
    _WORKER = (job.run, state)


def _pool_task(task: Any) -> Any:
    assert _WORKER is not None, "pool worker not initialised"
    run, state = _WORKER
    return run(state, task)


def _pool_map(
    job: Job[S, T, R], tasks: Sequence[T], n: int, started: Callable[[], None] | None
) -> Iterator[R]:
    """A pool of ``n`` processes: forked where the platform allows (they inherit the built state:
    layouts, charset tables and the adapter take seconds to build), spawned elsewhere (the
    state is rebuilt from ``make_state``)."""
    forked = CAN_FORK
    ctx = multiprocessing.get_context("fork" if forked else "spawn")
    # forked children inherit the job with its state; spawned ones get it pickled without it
    init_job = job if forked else Job(job.run, None, job.make_state, job.child, job.key)
    ex = ProcessPoolExecutor(
        n, mp_context=ctx, initializer=_init_pool_worker, initargs=(init_job, forked, os.getpid())
    )
    done = False
    try:
        # A window of 2n tasks in flight, not all of them: finished results wait in this process
        # until merged in order, and a parent slower than its workers would pile them all up.
        todo = iter(tasks)
        window: deque[Future[R]] = deque(ex.submit(_pool_task, t) for t in itertools.islice(todo, 2 * n))
        if started is not None:
            started()
        while window:
            f = window.popleft()
            res = f.result()
            del f  # a done future holds its result: let it go once merged
            nxt = next(todo, None)
            if nxt is not None:
                window.append(ex.submit(_pool_task, nxt))
            if not window:  # the last result is in: every worker is idle
                done = True
            yield res
            del res
    except BaseException:
        # Ctrl-C or an error: stop the workers now instead of waiting for their partitions
        for proc in list(getattr(ex, "_processes", {}).values()):
            proc.terminate()
        raise
    finally:
        # after the last result the idle workers exit on their own (the pool sends each its end
        # mark) and the pool's manager thread reaps them, while the caller finishes its run:
        # waiting here was ~0.05 s of a run's serial end. On an error: wait for them.
        ex.shutdown(wait=not done, cancel_futures=True)
