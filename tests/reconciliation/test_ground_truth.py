"""Ground truth: OLD = golden, NEW = migrated re-export with injected defects (manifest)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

import chukan_layout as cl
from chukan_layout.synth.generate import GenerateResult
from chukan_layout.synth.migrated import EXPECTED


def _found(res: Any) -> set[tuple[str, str, str, str]]:
    df = res.to_pandas()
    return {(r.layout, r.key, r.item, r.kind) for r in df.itertuples()}


def test_every_defect_kind_is_injected(defects: list[dict[str, str]]) -> None:
    kinds = Counter(d["kind"] for d in defects)
    assert set(kinds) == set(EXPECTED), set(EXPECTED) - set(kinds)


def test_every_defect_is_found_at_its_layout_key_item_with_its_kind(
    reconciled: Any, defects: list[dict[str, str]]
) -> None:
    found = _found(reconciled)
    expected = {
        (d["layout"], d["key"], d["item"], d["expected"]) for d in defects if d["expected"] != "equivalence"
    }
    missing = expected - found
    assert not missing, sorted(missing)[:5]
    assert found - expected == set(), sorted(found - expected)[:5]  # nothing reported that was not injected
    assert reconciled.exit_code == 1


def test_equivalence_only_defects_are_counted_not_reported(
    reconciled: Any, defects: list[dict[str, str]]
) -> None:
    found = {(lay, key, item) for lay, key, item, _ in _found(reconciled)}
    eq = [d for d in defects if d["expected"] == "equivalence"]
    assert eq and all((d["layout"], d["key"], d["item"]) not in found for d in eq)
    counted = Counter()
    for la in reconciled.report.layouts:
        for e in la.equivalences:
            counted[(la.layout_id, e.item, e.equivalence)] += e.count
    want = Counter(
        (d["layout"], d["item"], {"trailing_blanks": "trailing_blanks"}.get(d["kind"], "gaiji_degraded"))
        for d in eq
    )
    assert counted == want


def test_golden_against_itself_has_no_difference(town: GenerateResult, tmp_path: Any) -> None:
    res = cl.reconcile(town.out_dir / "golden", town.out_dir / "golden", tmp_path)
    assert res.exit_code == 0 and res.report.differences_total == 0
    assert all(t.ok for t in res.report.totals) and all(c.ok for c in res.report.cross)
    assert len(res.to_pandas()) == 0


def _table(path: Any) -> pa.Table:
    names = pacsv.read_csv(path, read_options=pacsv.ReadOptions(skip_rows_after_names=1 << 30)).column_names
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                                     strings_can_be_null=False))  # fmt: skip


def _totals(res: Any, side: str) -> dict[tuple[str, str, str], int]:
    return {(t.layout_id, t.total_id, t.group): getattr(t, side) for t in res.report.totals}


def test_totals_equal_an_independent_pyarrow_computation(reconciled: Any, town: GenerateResult) -> None:
    got = _totals(reconciled, "new")
    j = _table(town.out_dir / "migrated" / "juki_jumin.csv")
    cur = j.filter(pc.and_(pc.equal(j["最新フラグ"], "1"), pc.equal(j["住民状態"], "1")))
    assert got[("juki.jumin", "records", "")] == j.num_rows
    assert got[("juki.jumin", "setai_of_current", "")] == pc.count_distinct(cur["世帯番号"]).as_py()
    assert got[("juki.jumin", "persons", "")] == pc.count_distinct(cur["宛名番号"]).as_py()
    for row in cur.group_by("性別").aggregate([("宛名番号", "count")]).to_pylist():
        label = {"1": "1（男）", "2": "2（女）"}.get(row["性別"], row["性別"])
        assert got[("juki.jumin", "by_seibetsu", label)] == row["宛名番号_count"]
    z = _table(town.out_dir / "migrated" / "juminzei_kazei.csv")
    for nendo in pc.unique(z["課税年度"]).to_pylist():
        sel = z.filter(pc.equal(z["課税年度"], nendo))
        total = pc.sum(pc.cast(sel["年税額"], pa.int64())).as_py() or 0
        assert got[("juminzei.kazei", "nengaku", nendo)] == total
    s = _table(town.out_dir / "migrated" / "juki_setai.csv")
    current = s.filter(pc.and_(pc.equal(s["最新フラグ"], "1"), pc.equal(s["世帯状態"], "1"))).num_rows
    assert got[("juki.setai", "current", "")] == current
    setai_cross = [
        c for c in reconciled.report.cross if c.layout_id == "juki.setai"
    ]  # other layouts have theirs
    new_cross = next(c for c in setai_cross if c.side == "new")
    assert new_cross.value == current
    assert new_cross.other_value == pc.count_distinct(cur["世帯番号"]).as_py()
    old_cross = next(c for c in setai_cross if c.side == "old")
    assert old_cross.ok  # golden: 世帯数 = distinct 世帯番号 of current residents


def test_amount_defects_move_the_sum_totals(reconciled: Any, defects: list[dict[str, str]]) -> None:
    changed = {d["layout"] for d in defects if d["kind"] == "amount_changed"}
    bad = {t.layout_id for t in reconciled.report.totals if not t.ok and t.kind == "sum"}
    assert "juminzei.kazei" in changed and changed & bad
