"""Vendor field values (_vendor_fields): small kana listed for vendor A, and the rows each fault kind can go to."""

from __future__ import annotations

import pyarrow as pa

from chukan_layout.synth._vendor_fields import _eligible


def test_small_kana_are_listed_for_vendor_a(clean) -> None:
    res, _ = clean
    small = [m for m in res.manifest if m.kind == "small_kana"]
    assert small and all(m.vendor == "vendor_a" and m.expected == "adapt.small_kana" for m in small)
    assert not res.faults()  # a clean run has no faults


def test_eligible_rows_per_kind() -> None:
    names = pa.array(["髙橋", "", "ﾊﾟｸ", "山﨑", "アイ", "〜", "\ue757木"])
    assert _eligible("unmapped_gaiji", names, "shi").tolist() == [
        True,
        False,
        False,
        True,
        False,
        False,
        False,
    ]
    assert (
        _eligible("undecodable_bytes", names, "shimei").tolist()
        == _eligible("unmapped_gaiji", names, "shi").tolist()
    )
    assert _eligible("hankaku_kana", names, "shimei_kana").tolist() == [
        False,
        False,
        False,
        False,
        True,
        False,
        False,
    ]
    assert _eligible("over_long", names, "jusho_katagaki").tolist() == [
        True,
        False,
        True,
        True,
        True,
        True,
        True,
    ]
    days = pa.array(["2019-04-30", "2019-05-01", "", "2025-03-31"])
    assert _eligible("out_of_era", days, "ido_todokede_ymd").tolist() == [False, True, False, True]
    assert _eligible("duplicate_key", pa.array(["1", "2", "3"]), "rireki_no").tolist() == [False, True, True]
    assert _eligible("duplicate_key", pa.array(["2024", "2025"]), "kazei_nendo").tolist() == [False, True]
