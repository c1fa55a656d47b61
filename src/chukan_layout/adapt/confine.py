"""Files an adapter names stay inside the adapter's folder (issue 14, point 6).

``definition_file`` and ``crosswalk`` (and the code-map CSVs a crosswalk names) are resolved
relative to the adapter file and, after resolving symlinks, must lie inside the adapter's
folder — or inside the installed package (the shipped adapters read the shipped profiles).
An adapter from elsewhere that points at ``/etc/shadow`` or ``../../secrets`` is refused
with ``file:line``, unless the user allows the folder: ``--allow-outside PATH`` on the
command line, :func:`allow_outside` in a library call.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # chukan_layout/
_ALLOWED: list[Path] = []


def allow_outside(paths: Iterable[str | Path]) -> None:
    """Allow adapters to read files under ``paths`` (in addition to their own folder)."""
    for p in paths:
        r = Path(p).resolve()
        if r not in _ALLOWED:
            _ALLOWED.append(r)


def reset_allowed() -> None:
    """Forget every folder allowed by :func:`allow_outside` (tests)."""
    _ALLOWED.clear()


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def outside_problem(target: Path, adapter_dir: Path) -> str | None:
    """Why ``target`` may not be read for an adapter in ``adapter_dir`` (None when it may)."""
    real = target.resolve()
    for ok in (adapter_dir.resolve(), _PACKAGE, *_ALLOWED):
        if _within(real, ok):
            return None
    return (f"{real} is outside the adapter's folder {adapter_dir.resolve()}; "
            "pass --allow-outside PATH to allow reading it")  # fmt: skip
