"""Fixtures shared by the reader tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chukan_layout.readers import csvparse


@pytest.fixture(scope="module", params=["kernel", "arrow"])
def parse_routes(request: pytest.FixtureRequest) -> Iterator[str]:
    """A module's tests twice: with the compiled CSV parse where it is built (readers/csvparse.py)
    and with Arrow's parse alone (its pure route, the reference). A module opts in with
    ``pytestmark = pytest.mark.usefixtures("parse_routes")``."""
    kept = csvparse._kernel
    if request.param == "arrow":
        csvparse._kernel = None
    yield request.param
    csvparse._kernel = kept
