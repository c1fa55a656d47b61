"""Golden files of the 11 other 業務: valid, linked to the same residents, 戸籍 keyed by 本籍 + 筆頭者.

Uses the session's small town (``clean``: N residents in chunks of 256 households, so the
戸籍 numbering crosses chunks).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa

from chukan_layout.pipeline.standard import validate_files
from chukan_layout.spec.registry import load_layout
from chukan_layout.synth.golden_koseki import KosekiNumbering, string_hashes

from .conftest import golden_rows

NEW = (
    "senkyo.meibo", "hojin.kazei", "shogai.techo", "jido.teate", "jido.taisho", "kenko.kenshin", "shugaku.jido",
    "fuyo.teate", "seiho.jukyu", "kodomo.kyufu", "koseki.koseki", "koseki.fuhyo",
)  # fmt: skip


def test_golden_files_validate_with_zero_findings(clean, tmp_path: Path) -> None:
    """The vectorized validator (layouts recognised from the headers, cross-file relations)."""
    res, _ = clean
    paths = [res.golden[lid] for lid in sorted(res.golden)]
    out = validate_files(paths, layouts_auto=True, report_dir=tmp_path)
    assert out.findings.total() == 0, out.findings.total()
    assert out.exit_code == 0
    for lid in NEW:
        name = res.golden[lid].name
        assert res.records[f"golden/{name}"] > 0, lid


def test_relations_resolve_on_all_their_items(clean) -> None:
    res, _ = clean
    rows = {lid: golden_rows(res.golden[lid], lid) for lid in res.golden}
    n_checked = 0
    for lid in NEW:
        for rel in load_layout(lid).spec.relations:
            target = {tuple(r[i] for i in rel.target_items) for r in rows[rel.layout]}
            refs = {tuple(r[i] for i in rel.items) for r in rows[lid] if all(r[i] for i in rel.items)}
            assert refs and refs <= target, (lid, rel.id, sorted(refs - target)[:3])
            n_checked += 1
    assert (
        n_checked == 14
    )  # 9 resident-based (2 with a 保護者, 1 with its 受給者 too) + 対象児童 → 受給者 + 附票 → 戸籍


def test_same_residents_across_gyomu(clean) -> None:
    res, _ = clean
    jumin = [r for r in golden_rows(res.golden["juki.jumin"], "juki.jumin") if r["saishin_flag"] == "1"]
    by_atena = {r["atena_no"]: r for r in jumin}
    # 選挙人名簿: the living electors are exactly those the 住民票 marks 選挙人名簿登録有
    meibo = golden_rows(res.golden["senkyo.meibo"], "senkyo.meibo")
    active = {r["atena_no"] for r in meibo if not r["massho_ymd"] and r["hyoji"] == "0"}
    assert active == {a for a, r in by_atena.items() if r["senkyo_toroku"] == "1"}
    for r in meibo:  # the copy of name and birth date agrees with the 住民票
        j = by_atena[r["atena_no"]]
        assert (r["shimei"], r["seinengappi"]) == (j["shimei"], j["seinengappi"])
    # 学齢簿 and 保育認定: the 保護者 is the 世帯主 of the child's 世帯
    for lid in ("shugaku.jido", "kodomo.kyufu"):
        for r in golden_rows(res.golden[lid], lid):
            child, guardian = by_atena[r["atena_no"]], by_atena[r["hogosha_atena_no"]]
            assert guardian["setai_no"] == child["setai_no"] and guardian["zokugara_code_1"] == "02", lid


def test_child_allowance_adds_up_per_recipient(clean) -> None:
    res, _ = clean
    teate = {r["atena_no"]: r for r in golden_rows(res.golden["jido.teate"], "jido.teate")}
    per: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in golden_rows(res.golden["jido.taisho"], "jido.taisho"):
        per[r["jukyusha_atena_no"]].append(r)
    assert per.keys() == teate.keys()
    for a, kids in per.items():
        t = teate[a]
        assert int(t["jido_su"]) == len(kids)
        assert int(t["teate_getsugaku"]) == sum(int(k["teate_getsugaku"]) for k in kids)
        assert int(t["daisanshi_su"]) == sum(k["santei_kubun"] == "3" for k in kids)


def test_koseki_matches_the_juminhyo(clean) -> None:
    """Every Japanese resident is in the 戸籍 his 住民票 names (本籍 + 筆頭者), matched by 住民票コード."""
    res, _ = clean
    jumin = golden_rows(res.golden["juki.jumin"], "juki.jumin")
    honseki = {
        r["juminhyo_code"]: (r["honseki"], r["hittosha_shimei"]) for r in jumin if r["jumin_shubetsu"] == "1"
    }
    fuhyo = golden_rows(res.golden["koseki.fuhyo"], "koseki.fuhyo")
    persons = {r["juminhyo_code"]: (r["honseki"], r["hittosha_shimei"]) for r in fuhyo}
    assert persons == honseki
    koseki = golden_rows(res.golden["koseki.koseki"], "koseki.koseki")
    assert len(koseki) == len(honseki)
    # 記載順位 run 1..n inside each 戸籍 (also where two households share 本籍 and 筆頭者)
    juni = defaultdict(list)
    for r in koseki:
        juni[(r["honseki"], r["hittosha_shimei"])].append(int(r["kisai_juni"]))
    assert all(sorted(v) == list(range(1, len(v) + 1)) for v in juni.values())
    assert any(len(v) > 1 for v in juni.values())
    # the 附票's latest address of a moved-out person is outside the town
    last = {r["juminhyo_code"]: r for r in fuhyo if r["saishin_flag"] == "1"}
    moved = [r for r in jumin if r["jumin_jotai"] == "2" and r["jumin_shubetsu"] == "1"]
    assert moved and all(last[r["juminhyo_code"]]["kisai_jiyu"] == "4" for r in moved)


def test_koseki_numbering_continues_across_chunks() -> None:
    k = KosekiNumbering()
    a = k.number(0, np.arange(4), pa.array(["A", "B", "A", "C"]), np.arange(4))
    assert a.tolist() == [1, 1, 2, 1]
    assert (
        k.number(0, np.arange(4), pa.array(["A", "B", "A", "C"]), np.arange(4)) is a
    )  # the same chunk again
    b = k.number(1, np.arange(3), pa.array(["C", "D", "A"]), np.array([2, 0, 1]))
    assert b.tolist() == [2, 1, 3]


def test_string_hashes_are_vectorized_and_stable() -> None:
    words = ["北海道札幌市川北17番地\t堀田　良忠", "髙橋", "", "﨑\U000e0100", "髙橋", "高橋"]
    h = string_hashes(pa.array(words))
    assert h[1] == h[4] and len(set(h.tolist())) == 5
    assert string_hashes(pa.array(words).slice(3, 2)).tolist() == h[3:5].tolist()
    assert string_hashes(pa.array(["a", "b"])).tolist() == string_hashes(pa.array(["a", "b"])).tolist()
