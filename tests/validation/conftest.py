"""Fixtures of the validator tests: the fixture layouts compiled once per session."""

from __future__ import annotations

import pytest

from chukan_layout.validation.compile import CompiledLayout, compile_layout

from .fixtures.layouts import code_tables, jumin_layout, setai_layout


@pytest.fixture(scope="session")
def jumin() -> CompiledLayout:
    return compile_layout(jumin_layout(), code_tables())


@pytest.fixture(scope="session")
def setai() -> CompiledLayout:
    return compile_layout(setai_layout(), code_tables())
