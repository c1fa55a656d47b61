"""The serial end of a run overlapped: the last copies and the outputs' sync in a thread beside the
cross-record checks (an error there is the run's), the Dask session's closing thread waiting for the
workers' input hashes, the process pool shut down without waiting once its last result is in."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from chukan_layout import pipeline
from chukan_layout.pipeline import conversion
from chukan_layout.pipeline._dask_hashes import WorkerHashes
from chukan_layout.pipeline.executors import CAN_FORK, Background, Job, ordered_map
from chukan_layout.synth.generate import GenerateResult, generate


def test_background_join_raises_what_the_thread_raised() -> None:
    ran: list[str] = []
    Background(lambda: ran.append(threading.current_thread().name), name="chukan-x").join()
    assert ran == ["chukan-x"]

    def fail() -> None:
        raise OSError("disk full")

    b = Background(fail)
    with pytest.raises(OSError, match="disk full"):
        b.join()
    b.join()  # raised once: joining again (the run's cleanup) is quiet


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("tail"), vendors="a", residents=120, faults=0.02, seed=3)


def test_a_failed_last_copy_fails_the_run_and_publishes_nothing(
    export: GenerateResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [p for p in export.vendor_files["vendor_a"] if p != export.gaiji_tables["vendor_a"]]
    checked = threading.Event()
    finish = conversion.RunMerger.finish

    def finish_seen(self: Any, *a: Any, **kw: Any) -> None:
        finish(self, *a, **kw)
        checked.set()

    def broken(chores: object, merger: object) -> None:
        assert checked.wait(10)  # beside the cross-record checks, joined after them
        raise OSError("no space left on device")

    monkeypatch.setattr(conversion.RunMerger, "finish", finish_seen)
    monkeypatch.setattr(conversion, "_last_copies", broken)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="no space left"):
        pipeline.convert("vendor_a", files, out, partition_bytes=1 << 14)
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]  # nothing published


def _square(state: None, x: int) -> int:
    return x * x


@pytest.mark.skipif(not CAN_FORK, reason="the pool's workers are forked")
def test_the_pool_is_not_waited_for_after_its_last_result() -> None:
    before = set(multiprocessing.active_children())  # another test's cluster may be up beside

    def pool() -> set[Any]:
        return set(multiprocessing.active_children()) - before

    job: Job[None, int, int] = Job(_square, None, make_state=lambda: None)
    assert list(ordered_map(job, list(range(20)), workers=2)) == [x * x for x in range(20)]
    deadline = time.monotonic() + 10  # the idle workers leave on their own, reaped by the pool
    while pool() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not pool()


class _Future:
    def __init__(self, value: object) -> None:
        self.value = value

    def result(self) -> object:
        if isinstance(self.value, BaseException):
            raise self.value
        return self.value

    def release(self) -> None:
        pass


class _Client:
    def submit(self, fn: object, path: str, **kw: object) -> _Future:
        return _Future(FileNotFoundError(path) if "gone" in path else (3, f"sha-{os.path.basename(path)}"))


class _Session:
    def client(self) -> _Client:
        return _Client()


def test_worker_hashes_settled_by_one_thread_are_read_by_another() -> None:
    h = WorkerHashes(_Session())  # type: ignore[arg-type]
    h.start(["/in/a", "/in/gone", "/in/b"])
    t = threading.Thread(target=h.settle)  # the session's closing thread, before the client closes
    t.start()
    t.join()
    with pytest.raises(FileNotFoundError, match="gone"):  # the run meets the failure where it reads
        h.result()
    ok = WorkerHashes(_Session())  # type: ignore[arg-type]
    ok.start(["/in/a", "/in/b"])
    ok.settle()
    assert ok.result() == {"/in/a": (3, "sha-a"), "/in/b": (3, "sha-b")}
