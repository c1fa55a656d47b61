"""Where a convert run's partitions are converted, and with what state: in this process or on
workers (:func:`stays_local`, :func:`pool_size`), the workers' state built once in this process
(:func:`parent_state`) or in a fresh one (:class:`StateFactory`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..adapt.engine import LookupTable
from ..adapt.loader import Adapter
from ..errors import OptionsError
from ._convert_plan import ConvertPlan
from ._memory import steady_heap, use_lean_pool
from ._worker_state import RunConfig, WorkerState
from .executors import CAN_FORK, n_workers
from .options import ConvertOptions, Hooks

if TYPE_CHECKING:
    from ._dask import DaskSession


def stays_local(hooks: Hooks, ref: str | None, executor: str) -> bool:
    """Whether the partitions are converted in this process: ``hooks`` that cannot be pickled, or
    an adapter object without a file (``ref`` None) that no worker can be forked with. Dask cannot."""
    local = hooks.local or (ref is None and (not CAN_FORK or executor == "dask"))
    if local and executor == "dask":
        raise OptionsError("executor 'dask' cannot run custom stages or an adapter object without a file: "
                           "they stay in this process (use executor='processes')")  # fmt: skip
    return local


def pool_size(local: bool, opts: ConvertOptions, partitions: ConvertPlan) -> int | None:
    """The workers the executor is asked for (Dask: as given)."""
    if local:
        return 1
    if opts.executor == "dask":
        return opts.workers
    return n_workers(opts.workers, len(partitions), partitions.size)  # a tiny run: no pool to fork


def parent_state(cfg: RunConfig, ad: Adapter, hooks: Hooks, lookups: dict[str, LookupTable], executor: str,
                 session: DaskSession | None) -> WorkerState | None:  # fmt: skip
    """The workers' state as this process builds it, if it does."""
    # built once here; forked workers inherit it, spawned ones rebuild it from cfg. Dask
    # workers forked for the run inherit it too (session.warm), then this process lets it go:
    # it only merges. Other Dask workers build their own.
    if executor != "dask":
        return WorkerState(cfg, adapter=ad, hooks=hooks, lookups=lookups)
    if session is not None and session.forks:
        return WorkerState(cfg, adapter=ad, lookups=lookups).in_child()
    return None


class StateFactory:
    """Builds the worker state from the run's config in a fresh process (picklable)."""

    def __init__(self, cfg: RunConfig) -> None:
        self.cfg = cfg

    def __call__(self) -> WorkerState:
        use_lean_pool()  # a spawned or Dask worker: the pool that gives freed batches back
        steady_heap()
        return WorkerState(self.cfg)
