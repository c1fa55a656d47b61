"""Fixtures of the validator tests: the fixture layouts compiled once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chukan_layout.validation.compile import CompiledLayout, compile_layout

from .fixtures.layouts import code_tables, jumin_layout, setai_layout
from .kernel_routes import kernels_off


@pytest.fixture(scope="session")
def jumin() -> CompiledLayout:
    return compile_layout(jumin_layout(), code_tables())


@pytest.fixture(scope="session")
def setai() -> CompiledLayout:
    return compile_layout(setai_layout(), code_tables())


@pytest.fixture(scope="module", params=["kernel", "numpy"])
def both_routes(request: pytest.FixtureRequest) -> Iterator[str]:
    """A module's tests twice: with the compiled validation kernels where they are built
    (validation/_kernels.c) and with them patched off (the numpy/Arrow routes, the reference)."""
    if request.param == "numpy":
        with kernels_off():
            yield request.param
    else:
        yield request.param
