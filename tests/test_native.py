"""The switch over the compiled kernels (chukan_layout/native.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chukan_layout import native


def test_the_switch_turns_every_kernel_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(native.ENV, "0")
    assert not native.enabled()
    assert all(native.load(name) is None for name in native.KERNELS)
    monkeypatch.setenv(native.ENV, "1")
    assert native.enabled()


def test_a_missing_kernel_loads_as_none() -> None:
    assert native.load("chukan_layout.readers._no_such_kernel") is None
    assert set(native.built()) == set(native.KERNELS)


def test_a_run_with_the_kernels_off_uses_the_codec() -> None:
    """In a fresh process with CHUKAN_LAYOUT_NATIVE=0 the decoder has no kernel (the pure route)."""
    code = "from chukan_layout.readers import dbcs; print(dbcs._kernel is None)"
    env = {"CHUKAN_LAYOUT_NATIVE": "0", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
