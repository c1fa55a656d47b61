"""The compiled kernels in tests: one rule for a kernel that is not built."""

from __future__ import annotations

import os
from types import ModuleType

import pytest

from chukan_layout import native


def require_kernel(name: str) -> ModuleType:
    """The compiled kernel ``name`` (chukan_layout/native.py). CI's machine has a C compiler, so
    there a kernel that is not built fails the test; elsewhere a machine without one installs the
    pure routes only (which the modules that run both routes test) and the kernel's own tests skip."""
    got = native.load(name)
    if got is None:
        if os.environ.get("CI") and native.enabled():
            pytest.fail(f"the compiled kernel {name} is not built: pip install -e . should build it")
        pytest.skip(f"{name} is not built here (no C compiler at install), or CHUKAN_LAYOUT_NATIVE=0")
    return got
