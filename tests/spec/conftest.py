"""Fixtures of the spec tests: the small fixture layouts (test.jumin, test.setai) registered for a test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chukan_layout.spec import registry

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layouts"


@pytest.fixture
def fixture_layouts() -> Iterator[Path]:
    registry.register_layout_dir(FIXTURES)
    try:
        yield FIXTURES
    finally:
        registry.unregister_layout_dir(FIXTURES)


@pytest.fixture
def jumin(fixture_layouts: Path) -> registry.LoadedLayout:
    return registry.load_layout("test.jumin")
