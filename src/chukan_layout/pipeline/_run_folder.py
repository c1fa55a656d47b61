"""Run-level atomicity: a run writes into a staging folder and is published in one step.

    with RunFolder(out, may_produce={"juki_jumin.csv", "rejects.csv", …}) as run:
        write every output under run.staging
        run.publish(hashes)            # → out/run.json, the manifest, written last

What a reader of the output folder can rely on (docs/reliability.md):

- ``run.json`` names every file of the last complete run with its size and SHA-256. It is
  removed first and written last by :meth:`RunFolder.publish`: while a run publishes, or after
  one was killed while publishing, there is no manifest, and nothing in the folder is to be
  trusted. A file not listed in ``run.json`` is not part of the run.
- Files of an earlier run that this run does not produce (a ``rejects.csv`` of a run that had
  rejects, a report of a run that validated) are deleted on publish, never left looking current.
- An interrupted or failed run publishes nothing: its staging folder is removed, the folder
  keeps the previous complete run as it was (with its manifest).
- :class:`~.lock.RunLock` keeps a second run out of the folder for the whole time; hidden
  temporaries of killed runs are removed when the next run takes the lock.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import InputOverwriteError, InterruptedRun, OutputError
from ..files import atomic_output, sha256_file
from .lock import RunLock, remove_orphans

MANIFEST_NAME = "run.json"
MANIFEST_VERSION = 1


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C (and ``SIGTERM``, which the command line turns into one) held back for the block:
    one that comes meanwhile is raised as it ends. Only where signals can be blocked (POSIX, the
    main thread, which is where Python raises them); elsewhere a no-op."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class RunFolder:
    """The staging folder of one run into ``folder``; :meth:`publish` makes it the folder's content."""

    def __init__(self, folder: str | Path, *, may_produce: Iterable[str] = (), command: str = "convert",
                 lock: bool = True, inputs: Iterable[str | Path] = ()) -> None:  # fmt: skip
        self.folder = Path(folder)
        self.may_produce = set(may_produce) | {MANIFEST_NAME}
        self.inputs = [Path(p) for p in inputs]
        self.command = command
        self._lock = RunLock(self.folder) if lock else None
        self.staging = self.folder  # set by __enter__
        self.orphans_removed: list[str] = []
        self.published = False
        self.manifest: dict[str, Any] | None = None

    def __enter__(self) -> RunFolder:
        previous = read_manifest(self.folder) or {}
        self.check_inputs(self.may_produce | set(previous.get("files", {})))  # before any work
        if self._lock is not None:
            self._lock.acquire()
        try:
            self.orphans_removed = remove_orphans(self.folder)
            # the folder and its name together: a Ctrl-C that comes as it is made is raised once
            # the name is known (below), and the folder goes with the run
            with _ctrl_c_held():
                self.staging = Path(tempfile.mkdtemp(prefix=".chukan-run-", dir=self.folder))
        except BaseException as exc:
            self._abandon(exc)
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        self._abandon(exc)

    def _abandon(self, exc: BaseException | None) -> None:
        """The run ends (``exc``: how): an unpublished staging folder is removed, the lock let go;
        a Ctrl-C becomes :class:`InterruptedRun`, which says what the folder keeps."""
        try:
            if not self.published and self.staging != self.folder:
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            if self._lock is not None:
                self._lock.release()
        if exc is not None and isinstance(exc, KeyboardInterrupt) and not isinstance(exc, InterruptedRun):
            # InterruptedRun is a KeyboardInterrupt too: callers that stop on Ctrl-C still do
            raise InterruptedRun(f"interrupted: nothing of this run was published; {self.kept()}") from exc

    def kept(self) -> str:
        """What the folder holds now, in words (for the interrupted-run message)."""
        m = read_manifest(self.folder)
        if m is None:
            return f"{self.folder} holds no complete run (no {MANIFEST_NAME})"
        return (f"{self.folder} keeps the previous complete run ({len(m.get('files', {}))} file(s) listed in "
                f"{MANIFEST_NAME}, published {m.get('published_at', '?')})")  # fmt: skip

    def check_inputs(self, names: Iterable[str]) -> None:
        """Refuse to run when a file this run may replace or delete is one of its inputs.

        Compared by path after resolving symlinks, and by device + inode (hard links, bind mounts).
        """
        ins = []
        for p in self.inputs:
            try:
                ins.append((p, p.resolve(), os.stat(p)))
            except OSError:
                continue
        for rel in sorted(names):
            target = self.folder / rel
            try:
                st = os.stat(target)
            except OSError:
                st = None
            for p, real, ist in ins:
                same_path = target.resolve() == real
                same_file = st is not None and (st.st_dev, st.st_ino) == (ist.st_dev, ist.st_ino)
                if same_path or same_file:
                    raise InputOverwriteError(str(target), str(p))

    def final_path(self, staged: str | Path) -> Path:
        """Where a file written under :attr:`staging` is after publishing."""
        return self.folder / Path(staged).relative_to(self.staging)

    def publish(self, hashes: Mapping[str, tuple[int, str]] | None = None,
                extra: Mapping[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
        """Move every staged file into the folder, delete what an earlier run left, write ``run.json``.

        ``hashes`` maps staged paths (or names) to (size, SHA-256) already known (not read again).
        Returns the manifest.
        """
        known = {_rel_to(Path(k), self.staging): v for k, v in (hashes or {}).items()}
        files: dict[str, dict[str, Any]] = {}
        staged: list[tuple[Path, str]] = []
        for path in sorted(p for p in self.staging.rglob("*") if p.is_file()):
            rel = path.relative_to(self.staging).as_posix()
            size, sha = known.get(rel) or sha256_file(path)
            files[rel] = {"size": size, "sha256": sha}
            staged.append((path, rel))
        manifest_path = self.folder / MANIFEST_NAME
        previous = read_manifest(self.folder)
        self.check_inputs(
            set(files) | (set(previous.get("files", {})) if previous else set()) | self.may_produce
        )
        # 1. no manifest while the folder changes: a reader trusts nothing until step 4
        manifest_path.unlink(missing_ok=True)
        # 2. what an earlier run wrote and this one does not produce goes
        stale = (set(previous.get("files", {})) if previous else set()) | self.may_produce
        for rel in sorted(stale - set(files) - {MANIFEST_NAME}):
            target = self.folder / rel
            if target.is_file() or target.is_symlink():
                target.unlink()
        # 3. the new files into place (renames within one file system)
        for path, rel in staged:
            target = self.folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(path, target)
            except IsADirectoryError:
                raise OutputError(f"{target}: a folder is in the way of an output file") from None
        shutil.rmtree(self.staging, ignore_errors=True)
        # 4. the manifest, last
        self.manifest = {
            "manifest_version": MANIFEST_VERSION,
            "command": self.command,
            "complete": True,
            "published_at": _now(),
            "files": files,
            **({"orphans_removed": self.orphans_removed} if self.orphans_removed else {}),
            **dict(extra or {}),
        }
        with atomic_output(manifest_path) as out:
            out.write((json.dumps(self.manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        self.published = True
        return self.manifest


def _now() -> str:
    """UTC ``YYYY-MM-DDTHH:MM:SSZ``; ``SOURCE_DATE_EPOCH`` wins (reproducible runs, like the report)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = time.gmtime(int(epoch)) if epoch and epoch.isdigit() else time.gmtime()
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", t)


def _rel_to(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.name


def read_manifest(folder: str | Path) -> dict[str, Any] | None:
    """The ``run.json`` of a folder (None when absent or unreadable: then no file there is trusted)."""
    try:
        data = json.loads((Path(folder) / MANIFEST_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def verify(folder: str | Path) -> list[str]:
    """Problems of a published folder against its manifest (empty when every file matches)."""
    m = read_manifest(folder)
    if m is None:
        return [f"{folder}: no readable {MANIFEST_NAME}: no complete run here"]
    problems = []
    for rel, info in m.get("files", {}).items():
        p = Path(folder) / rel
        if not p.is_file():
            problems.append(f"{rel}: missing")
            continue
        size, sha = sha256_file(p)
        if (size, sha) != (info.get("size"), info.get("sha256")):
            problems.append(f"{rel}: changed since the run (size {size}, sha256 {sha[:12]}…)")
    return problems
