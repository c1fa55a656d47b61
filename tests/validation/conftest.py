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


@pytest.fixture(scope="module", params=["kernel", "numpy"])
def both_routes(request: pytest.FixtureRequest) -> object:
    """A module's tests twice: with the compiled validation kernels where they are built
    (validation/_kernels.c) and with them patched off (the numpy route, the reference)."""
    from chukan_layout.validation import checks_charset, utf8

    kept = checks_charset._kernel, utf8._kernel
    if request.param == "numpy":
        checks_charset._kernel = utf8._kernel = None
    yield request.param
    checks_charset._kernel, utf8._kernel = kept
