"""The LocalCluster's tuning: slower heartbeats, log-handler locks held across its workers' fork."""

from __future__ import annotations

import logging
import threading

from chukan_layout.pipeline import _dask_cluster


def test_local_cluster_workers_heartbeat_slower() -> None:
    """The LocalCluster's scheduler answers its workers' heartbeats with an interval of at least
    HEARTBEAT_S (distributed asks every 0.5 s); everything else in the answer is left alone."""

    class _Scheduler:
        def __init__(self, interval: float) -> None:
            self.handlers = {
                "heartbeat_worker": lambda **kw: {"status": "OK", "heartbeat-interval": interval, **kw}
            }

    fast, slow = _Scheduler(0.5), _Scheduler(7.0)
    _dask_cluster.slow_heartbeats(fast)
    _dask_cluster.slow_heartbeats(slow)
    assert fast.handlers["heartbeat_worker"](address="w") == {"status": "OK", "heartbeat-interval": _dask_cluster.HEARTBEAT_S,
                                                               "address": "w"}  # fmt: skip
    assert slow.handlers["heartbeat_worker"]()["heartbeat-interval"] == 7.0
    _dask_cluster.slow_heartbeats(object())  # no handlers: nothing to do


def test_log_handlers_are_held_while_a_session_forks() -> None:
    """While a session forks its workers, the forking thread holds every log handler's lock, so
    no other thread is half-way through writing a record (a child would inherit its stream's
    buffer lock taken and hang at its first record); released after the fork; other forks
    (the process pool's) are left alone."""
    handler = logging.StreamHandler()
    logger = logging.getLogger("chukan-test-fork-guard")
    logger.addHandler(handler)

    def free() -> bool:
        got: list[bool] = []

        def probe() -> None:
            lock = handler.lock
            assert lock is not None
            got.append(lock.acquire(timeout=0.05))
            if got[0]:
                lock.release()

        t = threading.Thread(target=probe)
        t.start()
        t.join()
        return got[0]

    try:
        _dask_cluster._before_fork()  # no session forking: nothing held
        assert free()
        _dask_cluster._after_fork_in_parent()
        _dask_cluster.FORKING.set()
        _dask_cluster._before_fork()
        assert not free()  # held by this (the forking) thread
        _dask_cluster._after_fork_in_parent()
        assert free()
    finally:
        _dask_cluster.FORKING.clear()
        logger.removeHandler(handler)
