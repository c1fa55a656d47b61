"""The golden registry and build(): every layout has a builder, every golden record is valid,
build() completes what a builder leaves out; the helpers builders share."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec.registry import layout_ids, load_layout
from chukan_layout.synth.arrow_util import s
from chukan_layout.synth.golden import BUILDERS, Rows, build, chunk_rng, todokede_day
from chukan_layout.synth.population import REF_DAY

from .conftest import golden_rows


def test_every_layout_has_a_golden_builder() -> None:
    assert set(BUILDERS) == set(layout_ids())


def test_golden_records_are_valid(clean) -> None:
    res, _ = clean
    assert set(res.golden) == set(BUILDERS) and len(res.golden) >= 24
    keys: dict[str, set[tuple[str, ...]]] = {}
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows_by = {}
    for lid, path in res.golden.items():
        lay = load_layout(lid)
        rows = golden_rows(path, lid)
        assert rows, lid
        rows_by[lid] = rows
        bad = Counter()
        for r in rows:
            for f in lay.checker.findings(r):
                bad[f] += 1
        assert not bad, (lid, bad.most_common(5))
        ks = [tuple(r[k] for k in lay.spec.record_key) for r in rows]
        assert len(set(ks)) == len(ks), f"{lid}: duplicate record keys"
        keys[lid] = set(ks)
        for it in lay.spec.items:
            values[(lid, it.id)] = {r[it.id] for r in rows}
    # every relation resolves (the files are joined by 宛名番号 / 世帯番号)
    for lid in rows_by:
        for rel in load_layout(lid).spec.relations:
            have = values[(rel.layout, rel.target_items[0])]
            missing = {r[rel.items[0]] for r in rows_by[lid] if r[rel.items[0]]} - have
            assert not missing, (lid, rel.id, list(missing)[:3])


def test_build_fills_what_a_builder_leaves_out(world_chunk, monkeypatch: pytest.MonkeyPatch) -> None:
    """A builder that sets only 世帯番号: required items get a valid value, optional ones stay blank."""
    w, c = world_chunk
    H = c.hh["hid"].shape[0]
    monkeypatch.setitem(
        BUILDERS, "juki.setai", lambda w, c, form: Rows({"setai_no": s(c.hh["setai_no"])}, None, None, H)
    )
    batch, rows = build(w, "juki.setai", c)
    layout = w.layouts["juki.setai"]
    assert batch.schema.names == layout.item_ids and batch.num_rows == rows.n == H
    checker = load_layout("juki.setai").checker
    for r in batch.slice(0, 5).to_pylist():
        bad = {item for item, _code in checker.findings(r) if not item.startswith("rule:")}
        assert not bad, bad
        for it in layout.items:
            assert (r[it.id] != "") == (it.required or it.id == "setai_no"), it.id


@given(st.lists(st.integers(REF_DAY - 40_000, REF_DAY), min_size=1, max_size=30), st.integers(0, 10**15))
def test_todokede_day_is_after_the_event_and_never_after_kijunbi(events: list[int], key: int) -> None:
    ev = np.array(events, np.int64)
    keys = np.full(ev.shape, key, np.int64)
    day = todokede_day(ev, keys)
    assert (day >= ev).all() and (day < ev + 14).all() and (day <= REF_DAY).all()
    assert (todokede_day(ev, keys, 7) < ev + 7).all()


def test_chunk_rng_is_one_stream_per_builder_and_chunk(world_chunk) -> None:
    w, c = world_chunk
    a, b, other = chunk_rng(w, c, 0x70C), chunk_rng(w, c, 0x70C), chunk_rng(w, c, 0x7AC)
    x = a.integers(0, 2**62, 8)
    assert (x == b.integers(0, 2**62, 8)).all() and (x != other.integers(0, 2**62, 8)).any()
