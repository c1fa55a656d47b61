"""Fault values and plans (faults.py): corrupt() breaks exactly the rule its kind names, plan() puts
at most one fault on a row and only where the kind can go."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.readers.api import read
from chukan_layout.spec.checkdigits import make_valid, verify
from chukan_layout.spec.registry import load_layout
from chukan_layout.synth.faults import OVER_LONG_FILL, corrupt, plan
from chukan_layout.synth.profile import load_profile

from .conftest import golden_rows


def test_over_long_stays_over_long_after_trimming(faulty) -> None:
    """over_long appends visible characters: an adapter's trim (U+3000 / space) cannot undo the fault."""
    rows = [m for m in faulty.faults() if m.kind == "over_long"]
    assert {m.vendor for m in rows} == {"vendor_b", "standard"}
    prof = load_profile("b")
    for m in rows:
        limit = load_layout(m.layout).spec.item(m.item).length.max
        if m.vendor == "standard":
            value = golden_rows(faulty.standard[m.layout], m.layout)[m.record - 1][m.item]
        else:
            vf = next(f for f in prof.files if f.name == m.file)
            recs = [
                r for b in read(faulty.out_dir / "vendor_b" / m.file, vf.definition) for r in b.to_pylist()
            ]
            value = next(r[m.field] for r in recs if r["_record"] == m.record)
        assert len(value.strip(" \u3000")) > limit and value.endswith("長" * 60), (m.file, m.record, value)


@pytest.mark.parametrize(
    ("lid", "item_id", "base_len"),
    [
        ("juki.jumin", "kojin_bango", 11),
        ("juminzei.kazei", "tokucho_hojin_bango", 12),
        ("juki.jumin", "atena_no", 14),
    ],
)
@given(data=st.data())
def test_bad_check_digit_changes_one_digit_and_fails_the_check(
    lid: str, item_id: str, base_len: int, data
) -> None:  # type: ignore[no-untyped-def]
    item = load_layout(lid).spec.item(item_id)
    assert item.check_digit is not None
    base = data.draw(st.text("0123456789", min_size=base_len, max_size=base_len))
    old = make_valid(item.check_digit, base)
    new = corrupt("bad_check_digit", old, None, 0, item)  # type: ignore[arg-type]
    assert len(new) == len(old) and sum(a != b for a, b in zip(old, new, strict=True)) == 1
    assert not verify(item.check_digit, new)


def test_value_faults_break_the_rule_of_their_kind(world_chunk) -> None:
    w, _ = world_chunk
    jumin = load_layout("juki.jumin").spec
    assert corrupt("impossible_date", "2025-06-10", w, 0) == "2025-02-30"
    zok = jumin.item("zokugara_code_1")
    new = corrupt("unknown_code", "02", w, 0, zok)
    assert len(new) == 2 and new not in w.codes[zok.codes].codes
    assert corrupt("over_long", "", w, 0) == "ハイツ" + OVER_LONG_FILL * 60
    assert corrupt("over_long", "髙﨑ビル101", w, 0).startswith("髙﨑ビル101長")
    assert corrupt("duplicate_key", "2025", w, 0) == "2024" and corrupt("duplicate_key", "3", w, 0) == "1"
    setai_no = jumin.item("setai_no")
    orphans = {corrupt("orphan_reference", "100000000000019", w, row, setai_no) for row in range(50)}
    assert len(orphans) == 50 and all(len(x) == 15 and x.startswith("9") for x in orphans)
    if setai_no.check_digit is not None:
        assert all(verify(setai_no.check_digit, x) for x in orphans)
    assert corrupt("no_such_kind", "山田", w, 0) == "山田"


@given(
    st.integers(0, 2**32),
    st.integers(0, 400),
    st.floats(0.0, 1.0),
    st.lists(
        st.sampled_from(["bad_check_digit", "unknown_code", "over_long", "orphan_reference"]),
        max_size=4,
        unique=True,
    ),
    st.booleans(),
    st.data(),
)
def test_plan_puts_one_fault_per_row_on_eligible_rows(seed, n, rate, kinds, first, data) -> None:  # type: ignore[no-untyped-def]
    eligible = {k: np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), bool) for k in kinds}
    chosen = plan(np.random.default_rng(seed), n, rate, kinds, eligible, first)
    rows = [r for r, _ in chosen]
    assert len(rows) == len(set(rows))
    assert all(eligible[k][r] for r, k in chosen)
    assert plan(np.random.default_rng(seed), n, 0.0, kinds, eligible, first) == []
