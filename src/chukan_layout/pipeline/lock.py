"""One run at a time per output folder: a lock file, orphan clean-up, workers that die with their parent.

:class:`RunLock` holds ``.chukan.lock`` in the output folder with an exclusive ``flock`` for the
whole run. The kernel drops the lock when the holder dies (also after ``kill -9``), so a lock
is never stale; a second run into the same folder is refused at once with
:class:`~chukan_layout.errors.RunLockedError` (exit 2) naming the holder. Worker processes
inherit the lock's file description: the folder stays locked until the last of them is gone.

Once it holds the lock, a run owns every hidden temporary of the folder, so
:func:`remove_orphans` deletes what killed runs left behind (staging folders, part folders,
``.NAME.part-PID`` files: they hold raw personal data).

:func:`exit_with_parent` makes a worker process end on its own when its parent dies
(``PR_SET_PDEATHSIG`` on Linux, and a watchdog thread everywhere).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

from ..errors import OutputError, RunLockedError

LOCK_NAME = ".chukan.lock"
# hidden temporaries a run may leave behind when killed: staging folders, part folders, atomic-writer siblings
ORPHAN = re.compile(r"^\.(chukan-run-.*|chukan-parts-.*|chukan-stale-.*|.+\.part-\d+)$")

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the pid in the lock file decides
    fcntl = None  # type: ignore[assignment]


class RunLock:
    """The exclusive lock of one output folder (a context manager)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"{self.folder}: cannot create the output folder: {e.strerror}") from None
        for _ in range(5):  # the lock file may be replaced under us by a finishing run: retry
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as e:
                raise OutputError(f"{self.folder}: cannot write in the output folder: {e.strerror}") from None
            if not _try_lock(fd, self.path):
                holder = _holder(fd)
                os.close(fd)
                raise RunLockedError(
                    f"{self.folder}: another run is writing into this folder ({holder}); wait for it to "
                    f"finish or choose another output folder (lock file {self.path})"
                )
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                info = {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                }
                os.write(fd, json.dumps(info).encode())
                self._fd = fd
                return self
            os.close(fd)
        raise RunLockedError(f"{self.folder}: could not take the lock file {self.path}")  # pragma: no cover

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # unlinked while held: a waiting opener sees another inode
        finally:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _try_lock(fd: int, path: Path) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
    # no flock: the pid written in the file decides (a dead holder's lock is taken over)
    try:  # pragma: no cover - Windows
        pid = int(json.loads(os.read(fd, 4096) or b"{}").get("pid", 0))
    except ValueError:  # pragma: no cover
        pid = 0
    return pid in (0, os.getpid()) or not _alive(pid)  # pragma: no cover


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {info.get('pid')} on {info.get('host')} since {info.get('since')}"
    except (OSError, ValueError):
        return "a running process"


def remove_orphans(folder: str | Path) -> list[str]:
    """Delete the hidden temporaries killed runs left in ``folder`` (call while holding its lock).

    Returns the names removed (for the log / the manifest).
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for e in entries:
        m = ORPHAN.match(e.name)
        if not m:
            continue
        pid = e.name.rsplit("-", 1)[1] if ".part-" in e.name else ""
        if pid.isdigit() and (int(pid) == os.getpid() or _alive(int(pid))):
            continue  # an atomic file another writer (or this process) is still writing
        if e.is_dir(follow_symlinks=False):
            shutil.rmtree(e.path, ignore_errors=True)
        else:
            Path(e.path).unlink(missing_ok=True)
        removed.append(e.name)
    return sorted(removed)


def exit_with_parent(poll: float = 0.5, parent: int | None = None) -> None:
    """In a worker process: exit when the parent process dies (it would block forever otherwise).

    A ``kill -9`` of the parent left pool workers blocked on their task queue for 80+ s, holding
    memory and the output folder's lock. ``PR_SET_PDEATHSIG`` (Linux) delivers SIGKILL at once;
    the watchdog thread (every platform) notices the re-parenting within ``poll`` seconds.
    SIGINT is ignored: Ctrl-C reaches the whole process group, and the parent stops the workers.
    ``parent``: the parent's pid as the parent saw it before forking; a worker whose parent
    died before it could read its own parent's pid (re-parented already) exits at once instead
    of watching its new parent forever (a worker of a killed run blocked 40+ min that way).
    """
    import signal

    parent = os.getppid() if parent is None else parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the watchdog remains
            pass
    if os.getppid() != parent:  # pragma: no cover - died before prctl took effect
        os._exit(70)

    def watch() -> None:
        while True:
            time.sleep(poll)
            if os.getppid() != parent:
                os._exit(70)

    threading.Thread(target=watch, name="chukan-parent-watch", daemon=True).start()
