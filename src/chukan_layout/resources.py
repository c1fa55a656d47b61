"""Where the packaged data lives: layouts, code tables, 外字 tables.

In a wheel the top-level ``layout_specs/`` and ``gaiji/`` folders are installed as
``chukan_layout/layout_specs`` and ``chukan_layout/gaiji_tables`` (see setup.py); in a
source checkout (editable install, tests) they are read from the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _data_dir(installed_name: str, repo_name: str) -> Path:
    installed = _HERE / installed_name
    if installed.is_dir() and any(installed.iterdir()):
        return installed
    repo = _HERE.parent.parent / repo_name
    if repo.is_dir():
        return repo
    raise FileNotFoundError(
        f"packaged data folder {installed_name!r} not found (looked in {installed} and {repo})"
    )


@cache
def layout_specs_dir() -> Path:
    """The folder of the shipped reference layouts (``*.yaml``) with ``codes/`` inside."""
    return _data_dir("layout_specs", "layout_specs")


@cache
def gaiji_tables_dir() -> Path:
    """The folder of the shipped per-source 外字 mapping tables."""
    return _data_dir("gaiji_tables", "gaiji")
