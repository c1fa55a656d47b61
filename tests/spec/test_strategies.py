"""Strategies from a layout: valid records pass the model; each targeted mutation is rejected with its code."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from chukan_layout.spec.registry import LoadedLayout, layout_ids, load_layout
from chukan_layout.spec.strategies import mutation_codes, mutations, valid_records

_SHIPPED = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
_FIXTURE = settings(deadline=None, suppress_health_check=list(HealthCheck))


def _accepts(layout: LoadedLayout, rec: dict[str, str]) -> None:
    layout.model.model_validate(rec)


def _rejects(layout: LoadedLayout, case: tuple[dict[str, str], str, str]) -> None:
    rec, loc, code = case
    with pytest.raises(ValidationError) as ei:
        layout.model.model_validate(rec)
    got = {(str(e["loc"][0]), e["type"]) for e in ei.value.errors()}
    assert (loc, code) in got, (rec.get(loc), got)


def test_fixture_valid_records(jumin: LoadedLayout) -> None:
    @_FIXTURE
    @given(valid_records(jumin))
    def check(rec: dict[str, str]) -> None:
        _accepts(jumin, rec)

    check()


CODES = [
    "item.required",
    "item.length",
    "item.charset",
    "item.type",
    "item.date",
    "item.era_mismatch",
    "item.code",
    "item.pattern",
    "item.check_digit",
    "row.rule",
]


def test_fixture_covers_every_code(jumin: LoadedLayout) -> None:
    assert mutation_codes(jumin) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_fixture_mutations(jumin: LoadedLayout, code: str) -> None:
    @settings(_FIXTURE, max_examples=25)
    @given(mutations(jumin, code))
    def check(case: tuple[dict[str, str], str, str]) -> None:
        assert case[2] == code
        _rejects(jumin, case)

    check()


@pytest.mark.parametrize("layout_id", layout_ids())
def test_shipped_valid_records_and_mutations(layout_id: str) -> None:
    layout = load_layout(layout_id)

    @_SHIPPED
    @given(valid_records(layout))
    def accepts(rec: dict[str, str]) -> None:
        _accepts(layout, rec)

    @_SHIPPED
    @given(mutations(layout))
    def rejects(case: tuple[dict[str, str], str, str]) -> None:
        _rejects(layout, case)

    accepts()
    rejects()


def test_hypothesis_is_an_optional_extra_with_a_clear_error() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['hypothesis'] = None\n"  # as if not installed
        "import chukan_layout, chukan_layout.spec.registry, chukan_layout.pipeline\n"
        "try:\n    import chukan_layout.spec.strategies\nexcept ModuleNotFoundError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'chukan-layout[strategies]'" in out
    import tomllib
    from pathlib import Path

    meta = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text("utf-8"))[
        "project"
    ]
    assert not any(d.startswith("hypothesis") for d in meta["dependencies"])
    assert any(d.startswith("hypothesis") for d in meta["optional-dependencies"]["strategies"])
    assert any(d.startswith("hypothesis") for d in meta["optional-dependencies"]["dev"])
