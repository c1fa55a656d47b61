"""Compiled layouts and adapters cached on disk, keyed by content hash (safe to delete).

Loading an adapter parses its YAML, its record definitions and the layouts it targets, and
checks them all (0.5–1.7 s: most of the start-up of a small ``convert``). The result depends on
nothing but those files and the code, so it is pickled under a key that is the SHA-256 of:

- the tool version, a fingerprint of the installed package's code (size and mtime of every
  module: an edited checkout never reads an entry written by other code), the Python and
  pydantic versions;
- the bytes of every input file (a changed layout, code table or definition changes the key).

Entries live in ``$CHUKAN_CACHE_DIR/compiled/`` or the user cache folder
(``~/.cache/chukan-layout/compiled`` on Linux), never in the repository. Deleting the folder is
always safe; an unreadable entry is ignored and rewritten; ``CHUKAN_NO_CACHE=1`` turns the
cache off. Writes go to a temporary file renamed into place, so concurrent workers never read a
half-written entry.

The folder is kept small (LRU): a hit marks its entry as used (its mtime), and every write
deletes the least recently used entries beyond ``CHUKAN_CACHE_MAX_MB`` (default 512 MiB) and
temporary files left by a killed writer. Entries of other code versions are never read again
(the key changed), so they age out first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent
MAX_MB = 512  # default size of the folder (CHUKAN_CACHE_MAX_MB overrides)
_STALE_TMP_SECONDS = 3600  # a temporary file this old belongs to a writer that died


def cache_dir() -> Path | None:
    """The folder of the compiled entries, or None when caching is off."""
    if os.environ.get("CHUKAN_NO_CACHE", "").strip() not in ("", "0"):
        return None
    env = os.environ.get("CHUKAN_CACHE_DIR")
    if env:
        return Path(env) / "compiled"
    import platformdirs

    return Path(platformdirs.user_cache_dir("chukan-layout")) / "compiled"


@cache
def code_fingerprint() -> str:
    """Tool, Python and pydantic versions plus (path, size, mtime) of every module of the package."""
    import pydantic

    from .. import __version__

    h = hashlib.sha256(f"{__version__}|{sys.version}|{pydantic.VERSION}".encode())
    for p in sorted(_PACKAGE.rglob("*.py")):
        st = p.stat()
        h.update(f"{p.relative_to(_PACKAGE)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def file_digest(path: str | Path) -> str:
    """SHA-256 of a (small) file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def content_key(kind: str, parts: Iterable[str]) -> str:
    """The entry key of ``kind`` over the code fingerprint and the given parts (digests, ids)."""
    h = hashlib.sha256(f"{kind}|{code_fingerprint()}".encode())
    for part in parts:
        h.update(b"\0" + part.encode())
    return h.hexdigest()


def load(kind: str, key: str) -> Any | None:
    """The cached object of ``kind`` under ``key``, or None (absent, unreadable, caching off)."""
    d = cache_dir()
    if d is None:
        return None
    path = d / f"{kind}-{key}.pickle"
    try:
        with open(path, "rb") as f:
            obj = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # any broken entry (truncated, written by other code) is just a miss
        return None
    with contextlib.suppress(OSError):  # a read-only cache still serves its entries
        os.utime(path)  # used now: the pruning drops the least recently used entries first
    return obj


def store(kind: str, key: str, obj: Any) -> None:
    """Write ``obj`` under ``key``; a cache that cannot be written is skipped, never an error."""
    d = cache_dir()
    if d is None:
        return
    path = d / f"{kind}-{key}.pickle"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        d.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        tmp.unlink(missing_ok=True)
        return
    prune(d, keep=path)


def max_bytes() -> int:
    """The size the folder is pruned to: ``CHUKAN_CACHE_MAX_MB`` MiB (default :data:`MAX_MB`)."""
    try:
        mb = float(os.environ.get("CHUKAN_CACHE_MAX_MB", "") or MAX_MB)
    except ValueError:
        mb = MAX_MB
    return max(0, int(mb * (1 << 20)))


def prune(d: Path | None = None, limit: int | None = None, keep: Path | None = None) -> int:
    """Delete the least recently used entries of folder ``d`` (default: :func:`cache_dir`) until
    it holds at most ``limit`` bytes (default :func:`max_bytes`), never ``keep`` (the entry just
    written), plus stale temporary files. Returns the number of files deleted; never raises."""
    d = cache_dir() if d is None else d
    if d is None:
        return 0
    limit = max_bytes() if limit is None else limit
    now = time.time()
    entries: list[tuple[float, int, str]] = []
    removed = 0
    try:
        with os.scandir(d) as it:
            for e in it:
                try:
                    st = e.stat()
                except OSError:  # deleted meanwhile by another process
                    continue
                if e.name.startswith(".") and e.name.endswith(".tmp"):
                    if now - st.st_mtime > _STALE_TMP_SECONDS:
                        removed += _unlink(e.path)
                elif e.name.endswith(".pickle") and e.path != str(keep):
                    entries.append((st.st_mtime, st.st_size, e.path))
    except OSError:
        return removed
    total = sum(size for _, size, _ in entries) + (_size(keep) if keep is not None else 0)
    for _, size, path in sorted(entries):  # oldest use first
        if total <= limit:
            break
        removed += _unlink(path)
        total -= size
    return removed


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _unlink(path: str) -> int:
    try:
        os.unlink(path)  # a process reading it keeps its open file (POSIX)
        return 1
    except OSError:
        return 0
