"""Data-driven item check cases (cases.yaml): exact verdict per changed record, all in one batch."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chukan_layout.validation.compile import CompiledLayout

from .fixtures.records import GOOD, batch_of

# the compiled kernels on, then off (conftest.both_routes): the numpy route stays tested
pytestmark = pytest.mark.usefixtures("both_routes")

CASES = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def verdicts(jumin: CompiledLayout) -> list[dict[str, set[str]]]:
    rows = [{**GOOD, **{k: str(v) for k, v in c["set"].items()}} for c in CASES]
    return jumin.record_verdicts(batch_of(jumin.layout, rows))


@pytest.mark.parametrize("k", range(len(CASES)), ids=[c["name"] for c in CASES])
def test_case(k: int, verdicts: list[dict[str, set[str]]]) -> None:
    expected = {item: set(codes) for item, codes in CASES[k]["expect"].items()}
    assert verdicts[k] == expected


@pytest.mark.parametrize("k", range(len(CASES)), ids=[c["name"] for c in CASES])
def test_case_agrees_with_oracle(k: int, jumin: CompiledLayout) -> None:
    """The scalar oracle (spec.records.verdict) gives the same expected verdict."""
    from chukan_layout.spec.records import verdict

    from .fixtures.layouts import code_tables

    rec = {**GOOD, **{key: str(v) for key, v in CASES[k]["set"].items()}}
    expected = {item: set(codes) for item, codes in CASES[k]["expect"].items()}
    assert verdict(jumin.layout, rec, code_tables()) == expected
