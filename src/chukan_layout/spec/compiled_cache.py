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
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent


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
    try:
        with open(d / f"{kind}-{key}.pickle", "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # any broken entry (truncated, written by other code) is just a miss
        return None


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
