"""Run-level atomicity: the lock, the staging folder, the manifest and stale files (issue 14, point 1)."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chukan_layout.errors import EXIT_FAILURE, InterruptedRun, RunLockedError
from chukan_layout.pipeline.lock import LOCK_NAME, RunLock, remove_orphans
from chukan_layout.pipeline.publish import MANIFEST_NAME, Publication, RunFolder, read_manifest, verify


def _run(folder: Path, files: dict[str, bytes], may: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    with RunFolder(folder, may_produce=may) as run:
        for name, data in files.items():
            (run.staging / name).parent.mkdir(parents=True, exist_ok=True)
            (run.staging / name).write_bytes(data)
        return run.publish()


def test_publish_moves_files_and_writes_the_manifest_last(tmp_path: Path) -> None:
    m = _run(tmp_path, {"juki_jumin.csv": "宛名番号\r\n".encode(), "report.json": b"{}"})
    assert sorted(m["files"]) == ["juki_jumin.csv", "report.json"]
    assert (
        m["files"]["report.json"]["sha256"]
        == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    )
    on_disk = sorted(p.name for p in tmp_path.iterdir())
    assert on_disk == ["juki_jumin.csv", "report.json", MANIFEST_NAME]  # no staging, no lock left
    assert verify(tmp_path) == []
    (tmp_path / "juki_jumin.csv").write_bytes(b"tampered")
    assert verify(tmp_path) == [verify(tmp_path)[0]] and "changed" in verify(tmp_path)[0]


def test_stale_files_of_an_earlier_run_are_removed(tmp_path: Path) -> None:
    # a pre-manifest run left rejects.csv; a manifest run produced a.csv: neither survives a run without them
    (tmp_path / "rejects.csv").write_text("old rejects")
    (tmp_path / "notes.txt").write_text("the user's own file")
    _run(tmp_path, {"a.csv": b"1", "b.csv": b"2"}, may={"rejects.csv"})
    _run(tmp_path, {"b.csv": b"3"}, may={"rejects.csv"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.csv", "notes.txt", MANIFEST_NAME]
    assert list(read_manifest(tmp_path)["files"]) == ["b.csv"]  # type: ignore[index]


def test_a_failed_run_publishes_nothing_and_keeps_the_previous_run(tmp_path: Path) -> None:
    _run(tmp_path, {"a.csv": b"old"})
    before = (tmp_path / MANIFEST_NAME).read_bytes()
    with pytest.raises(InterruptedRun) as e, RunFolder(tmp_path) as run:
        (run.staging / "a.csv").write_bytes(b"half")
        raise KeyboardInterrupt
    assert isinstance(e.value, KeyboardInterrupt)  # callers that stop on Ctrl-C still do
    assert "keeps the previous complete run (1 file(s) listed in run.json" in str(e.value)
    assert (tmp_path / "a.csv").read_bytes() == b"old"
    assert (tmp_path / MANIFEST_NAME).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", MANIFEST_NAME]


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="signals cannot be held back here")
def test_ctrl_c_as_the_staging_folder_is_made_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C that comes the moment the staging folder exists (before its name is kept) is
    raised once the run knows it: the folder is removed, the lock let go, and the message says
    what the folder keeps (seen on a loaded machine: a hidden ``.chukan-run-*`` left behind and
    the plain "nothing of this run was published")."""
    import tempfile

    _run(tmp_path, {"髙﨑.csv": b"old"})
    made = tempfile.mkdtemp

    def mkdtemp_then_ctrl_c(*a: object, **kw: object) -> str:
        path = made(*a, **kw)  # type: ignore[arg-type]
        signal.raise_signal(signal.SIGINT)  # as a terminal's Ctrl-C would, right now
        return path

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp_then_ctrl_c)
    with pytest.raises(InterruptedRun) as e, RunFolder(tmp_path):
        pytest.fail("the run must not start")
    assert "keeps the previous complete run (1 file(s) listed in run.json" in str(e.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_NAME, "髙﨑.csv"]  # no staging, no lock
    monkeypatch.undo()
    _run(tmp_path, {"b.csv": b"new"})  # the lock is free
    assert list(read_manifest(tmp_path)["files"]) == ["b.csv"]  # type: ignore[index]


def test_a_second_run_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    with RunLock(tmp_path):
        with pytest.raises(RunLockedError) as e:
            RunLock(tmp_path).acquire()
        assert str(os.getpid()) in str(e.value) and e.value.exit_code == EXIT_FAILURE
    with RunLock(tmp_path):  # released: free again
        pass
    assert not (tmp_path / LOCK_NAME).exists()


def _hold_lock(folder: str, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    RunLock(folder).acquire()
    ready.set()
    time.sleep(60)


def test_the_lock_of_a_killed_run_is_free_at_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    p = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready))
    p.start()
    assert ready.wait(30)
    with pytest.raises(RunLockedError):
        RunLock(tmp_path).acquire()
    os.kill(p.pid, signal.SIGKILL)
    p.join(10)
    with RunLock(tmp_path):  # the kernel dropped the flock with the process: no stale lock
        pass


def test_orphans_of_killed_runs_are_removed_by_the_next_run(tmp_path: Path) -> None:
    (tmp_path / ".chukan-run-abc").mkdir()
    (tmp_path / ".chukan-run-abc" / "juki_jumin.csv").write_text("山田")
    (tmp_path / ".chukan-parts-x1").mkdir()
    (tmp_path / ".juki_jumin.csv.part-99999999").write_text("髙橋")
    (tmp_path / ".hidden-by-user").write_text("kept")
    (tmp_path / f".report.json.part-{os.getpid()}").write_text("being written by this process: kept")
    assert remove_orphans(tmp_path) == [
        ".chukan-parts-x1",
        ".chukan-run-abc",
        ".juki_jumin.csv.part-99999999",
    ]
    m = _run(tmp_path, {"a.csv": b"1"})
    assert "orphans_removed" not in m  # already gone
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".hidden-by-user",
        f".report.json.part-{os.getpid()}",
        "a.csv",
        MANIFEST_NAME,
    ]


def test_publication_with_a_report_folder_elsewhere(tmp_path: Path) -> None:
    out, rep = tmp_path / "out", tmp_path / "rep"
    with Publication(out, rep, command="convert") as pub:
        assert pub.out != out and pub.report_dir is not None and pub.report_dir.parent == rep
        (pub.out / "a.csv").write_text("x")
        (pub.report_dir / "report.json").write_text("{}")
        assert pub.place(pub.out / "a.csv") == out / "a.csv"
        assert os.path.relpath(pub.place(pub.out / "a.csv"), pub.place(pub.report_dir)) == "../out/a.csv"
        pub.publish()
    assert sorted(read_manifest(out)["files"]) == ["a.csv"]  # type: ignore[index]
    assert sorted(read_manifest(rep)["files"]) == ["report.json"]  # type: ignore[index]


_WORKER_SCRIPT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from chukan_layout.pipeline.lock import exit_with_parent

def init():
    exit_with_parent(0.2)

def pid(_):
    return os.getpid()

if __name__ == "__main__":
    ex = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"), initializer=init)
    pids = set(ex.map(pid, range(20)))
    print(" ".join(map(str, sorted(pids))), flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="fork + /proc")
def test_workers_exit_on_their_own_after_kill_9_of_the_parent(tmp_path: Path) -> None:
    script = tmp_path / "pool.py"
    script.write_text(_WORKER_SCRIPT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    pids = [int(p) for p in parent.stdout.readline().split()]
    assert pids and all(Path(f"/proc/{p}").exists() for p in pids)
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    deadline = time.time() + 5
    while time.time() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids), "pool workers outlived their parent"


@pytest.mark.skipif(sys.platform != "linux", reason="re-parenting as on Linux")
def test_a_worker_whose_parent_died_before_it_started_exits_at_once() -> None:
    """The parent's pid comes from the parent (taken before forking): a worker re-parented before
    it could read its parent's pid does not take its new parent (init, a subreaper) for its own."""
    code = "from chukan_layout.pipeline.lock import exit_with_parent; exit_with_parent(0.2, parent=1)\n" \
           "import time; time.sleep(30)"  # fmt: skip
    t = time.time()
    r = subprocess.run([sys.executable, "-c", code], timeout=30, check=False)
    assert r.returncode == 70 and time.time() - t < 20


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_manifest_is_json_with_sizes(tmp_path: Path) -> None:
    _run(tmp_path, {"sub/x.csv": b"abc"})
    m = json.loads((tmp_path / MANIFEST_NAME).read_text("utf-8"))
    assert m["complete"] is True and m["files"]["sub/x.csv"]["size"] == 3
