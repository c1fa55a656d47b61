"""Differential test over every shipped layout (issue 7, proof (a)).

For random records of each layout — valid ones (``valid_records``) and targeted breakages
(``mutations``) — the vectorized validator's verdict per record and item equals the scalar
oracle behind the layout's Pydantic model (``spec.records``). Many records per example:
one batch per example, compared record by record.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chukan_layout.spec.registry import LoadedLayout, layout_ids, load_layout
from chukan_layout.spec.strategies import mutations, valid_records
from chukan_layout.validation.compile import CompiledLayout, compile_layout

from .fixtures.records import batch_of

LAYOUTS = layout_ids()


@cache
def compiled(layout_id: str) -> tuple[LoadedLayout, CompiledLayout, st.SearchStrategy, st.SearchStrategy]:
    loaded = load_layout(layout_id)
    # strategies built once per layout (Hypothesis reprs of large strategies are costly)
    return (
        loaded,
        compile_layout(loaded),
        st.lists(valid_records(loaded), max_size=3),
        st.lists(mutations(loaded), min_size=1, max_size=5),
    )


def oracle(loaded: LoadedLayout, row: dict[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for loc, code in loaded.checker.findings(row):
        out.setdefault(loc, set()).add(code)
    return out


def test_every_layout_is_covered() -> None:
    assert len(LAYOUTS) >= 12


@pytest.mark.parametrize("layout_id", LAYOUTS)
@settings(
    max_examples=8,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_vectorized_verdict_equals_model(layout_id: str, data: st.DataObject) -> None:
    """Same verdict per record and item; every mutation's expected code is found at its place."""
    loaded, cl, valid, broken = compiled(layout_id)
    good = data.draw(valid)
    muts = data.draw(broken)
    rows = good + [m[0] for m in muts]
    got = cl.record_verdicts(batch_of(loaded.spec, rows))
    for row, v in zip(rows, got, strict=True):
        assert v == oracle(loaded, row), row
    for v in got[: len(good)]:
        assert v == {}
    for (_, where, code), v in zip(muts, got[len(good) :], strict=True):
        assert code in v.get(where, set()), (where, code, v)
