"""Codec traps (reference §5): 〜/～, NEC/IBM duplicates, NFC-changed compatibility ideographs,
user-area bytes that shift_jis_2004 silently turns into real kanji."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from chukan_layout.findings import FindingSet
from chukan_layout.gaiji.stage import GaijiStage
from chukan_layout.gaiji.table import load_table
from chukan_layout.gaiji.targets import compat_ideographs_changed_by_nfc, cp932_chars, jis_x0213_chars

from .conftest import make_batch

NAMED_IN_REFERENCE = [
    "\uf929",
    "\ufa10",
    "\ufa12",
    "\ufa16",
    "\ufa18",
    "\ufa19",
]  # 朗 塚 晴 猪 礼 神 (reference §5)
STABLE = [0xFA0E, 0xFA0F, 0xFA11, 0xFA13, 0xFA14, 0xFA1F, 0xFA21, 0xFA23, 0xFA24, 0xFA27, 0xFA28, 0xFA29]


def test_wave_dash_vs_fullwidth_tilde() -> None:
    assert b"\x81\x60".decode("cp932") == "～"  # U+FF5E, not 〜 U+301C
    assert "～".encode("cp932") == b"\x81\x60"
    assert "〜".encode("cp932") == b"\x81\x60"  # the encoder accepts 〜 …
    assert "〜".encode("cp932").decode("cp932") != "〜"  # … but it comes back as ～
    assert 0xFF5E in cp932_chars() and 0x301C not in cp932_chars()


def test_wave_dash_is_flagged_not_rewritten_in_a_cp932_item(layout) -> None:  # type: ignore[no-untyped-def]
    st = GaijiStage(layout, [], source_system="v")
    fs = FindingSet(max_samples=None)
    out, side = st.apply(make_batch([{"jusho": "1〜3番地"}, {"jusho": "1～3番地"}]), fs, file="f")
    assert out.column("jusho").to_pylist() == ["1〜3番地", "1～3番地"]
    assert side.to_pylist() == [{"file": "f", "record": 1, "item": "jusho", "position": 2, "source_code": "U+301C",
                                 "result": "U+301C", "status": "not_in_target"}]  # fmt: skip
    assert fs.counts == {("gaiji.not_in_target", "f", "jusho"): 1}


def test_nec_ibm_duplicates_of_hashigodaka(layout) -> None:  # type: ignore[no-untyped-def]
    assert b"\xee\xe0".decode("cp932") == b"\xfb\xfc".decode("cp932") == "髙"
    assert "髙".encode("cp932") == b"\xee\xe0"  # the encoder picks the NEC-selected IBM row
    st = GaijiStage(layout, [], source_system="v")
    fs = FindingSet()
    value = b"\xfb\xfc\x8b\xb4".decode("cp932")  # 髙橋 written with the IBM code
    out, side = st.apply(make_batch([{"jusho": value, "shimei": value}]), fs, file="f")
    assert out.column("jusho").to_pylist() == ["髙橋"] and side.num_rows == 0  # storable in cp932 and mj
    out, side = st.apply(make_batch([{"shimei_jis": value}]), fs, file="f")
    assert out.column("shimei_jis").to_pylist() == ["髙橋"]  # kept; JIS X 0213 cannot store it
    assert side.column("status").to_pylist() == ["not_in_target"]


def test_the_22_compatibility_ideographs_pass_untouched(layout, vendor_tsv: Path) -> None:  # type: ignore[no-untyped-def]
    changed = compat_ideographs_changed_by_nfc()
    assert len(changed) == 22
    assert set(NAMED_IN_REFERENCE) <= set(changed)
    assert not {chr(c) for c in STABLE} & set(changed)
    text = "".join(changed)
    assert unicodedata.normalize("NFC", text) != text
    for policy in ("map", "degrade", "replace", "error"):
        st = GaijiStage(layout, [load_table(vendor_tsv)], source_system="vendor_t", default_policy=policy)
        row = {"shimei": text + "\ue000", "shimei_jis": text, "jusho": text, "biko": text}
        out, _ = st.apply(make_batch([row]), FindingSet(), file="f")
        got = out.to_pylist()[0]
        assert got["jusho"] == got["biko"] == got["shimei_jis"] == text, policy
        assert got["shimei"].startswith(text), policy


def test_user_area_bytes_are_decoded_as_pua_never_as_kanji(layout, vendor_tsv: Path) -> None:  # type: ignore[no-untyped-def]
    raw = b"\xf0\x40\x8b\xb4"  # user-area 外字 + 橋
    assert raw.decode("shift_jis_2004")[0] == "\U00020089"  # the trap: a real, wrong kanji
    value = raw.decode("cp932")
    assert value == "\ue000橋"
    st = GaijiStage(layout, [load_table(vendor_tsv)], source_system="vendor_t")
    out, side = st.apply(make_batch([{"shimei": value}]), FindingSet(), file="f")
    assert out.column("shimei").to_pylist() == ["髙橋"]
    assert side.column("source_code").to_pylist() == ["U+E000"]
    assert 0x20089 in jis_x0213_chars()  # so a mis-decoded value would have passed silently


_FORBIDDEN_DECODE = re.compile(
    r"""(decode|TextIOWrapper|open|read_text|read_csv|ReadOptions)\([^)]*["'](shift_jis_2004|shift_jisx0213|euc_jis_2004|euc_jisx0213|sjis_2004)["']"""
    r"""|encoding\s*=\s*["'](shift_jis_2004|shift_jisx0213|euc_jis_2004|euc_jisx0213|sjis_2004)["']""",
    re.IGNORECASE,
)


def test_no_code_path_decodes_with_shift_jis_2004(repo_root: Path) -> None:
    """Grep over src/: the JIS X 0213 codecs appear only in encode-only membership code."""
    offenders = []
    for path in (repo_root / "src").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in _FORBIDDEN_DECODE.finditer(text):
            offenders.append(f"{path.relative_to(repo_root)}: {m.group(0)}")
        for lineno, line in enumerate(text.splitlines(), 1):
            if re.search(r"shift_jis_2004|euc_jis_2004", line) and re.search(
                r"\.decode\(|codecs\.decode|getdecoder|getincrementaldecoder", line
            ):
                offenders.append(f"{path.relative_to(repo_root)}:{lineno}: {line.strip()}")
    assert not offenders, "decoding with a JIS X 0213 codec turns 外字 into real kanji:\n" + "\n".join(
        offenders
    )


@pytest.mark.parametrize("text", ["ｶﾞｯｺｳ", "ﾊﾟﾝ"])
def test_half_width_kana_are_not_normalized(layout, text: str) -> None:  # type: ignore[no-untyped-def]
    st = GaijiStage(layout, [], source_system="v")
    out, _ = st.apply(make_batch([{"shimei_jis": text, "jusho": text, "biko": text}]), FindingSet(), file="f")
    assert out.to_pylist()[0]["jusho"] == text and out.to_pylist()[0]["shimei_jis"] == text


def test_codec_sets_are_cached_outside_the_repo(repo_root: Path) -> None:
    import os

    from chukan_layout.gaiji.targets import _cached_set

    calls = []
    first = _cached_set("unit_test", lambda: calls.append(1) or frozenset({0x3042}))  # type: ignore[func-returns-value]
    again = _cached_set("unit_test", lambda: calls.append(1) or frozenset())  # type: ignore[func-returns-value]
    assert first == again == frozenset({0x3042}) and calls == [1]
    cached = list(Path(os.environ["CHUKAN_CACHE_DIR"]).glob("charset-unit_test-py*.json"))
    assert cached and repo_root not in cached[0].parents
