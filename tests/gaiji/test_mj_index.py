"""The MJ index over the real MJ list and IVD: counts, lookups, cache outside the repo, load time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from chukan_layout.errors import GaijiError
from chukan_layout.gaiji.mj_index import MJIndex, cache_dir, index_path, parse_mj_tsv


def test_counts_match_the_reference(mj_index: MJIndex) -> None:
    assert len(mj_index) == 58_862
    ivs = sum(len(mj_index.char(n).ivs) for n in ("MJ059399", "MJ059400"))
    assert ivs == 4  # the two glyphs that list two sequences each
    moji_joho = [s for s, coll, _ in mj_index._ivd_raw if coll == "Moji_Joho"]
    assert len(moji_joho) == 11_384 and len(mj_index._ivd_raw) == 39_501
    # every Moji_Joho sequence of the IVD is an MJ sequence (reference §1 cross-check)
    assert all(mj_index.is_mj(s) for s in moji_joho)


def test_lookups(mj_index: MJIndex) -> None:
    kuzu = "葛\U000e0104"
    assert mj_index.names_for(kuzu) == ["MJ022340"]
    assert kuzu in mj_index.sequences("MJ022340")
    assert ("Moji_Joho", "MJ022340") in mj_index.ivd_entries(kuzu)
    assert ("Hanyo-Denshi", "JTB9D7") in mj_index.ivd_entries(kuzu)
    assert mj_index.is_mj(kuzu) and mj_index.is_registered_ivs(kuzu)
    # registered (Adobe-Japan1) but not a Moji_Joho glyph
    assert mj_index.is_registered_ivs("葛\U000e0100") and not mj_index.is_mj("葛\U000e0100")
    assert not mj_index.is_registered_ivs("葛\U000e01ef")
    assert "MJ022340" in mj_index.variants_of("葛")
    assert mj_index.names_for("髙") == ["MJ028902"]
    assert mj_index.exists("MJ000001") and not mj_index.exists("MJ999999")
    assert mj_index.char("MJ000001").x0213 == "1-01-25"
    assert mj_index.is_joyo("高") and mj_index.is_jinmeiyo("彌") and mj_index.kanji_policy("髙") == ""
    # JIS X 0213 membership (encode-only) and cp932 encodability
    assert (
        not mj_index.in_jis_x0213("髙")
        and mj_index.in_jis_x0213("﨑")
        and mj_index.in_jis_x0213("𠮷") is False
    )
    assert mj_index.cp932_encodable("髙") and not mj_index.cp932_encodable("𠮷")
    assert not mj_index.cp932_encodable("〜")  # U+301C comes back as U+FF5E
    assert not mj_index.cp932_encodable(kuzu) and not mj_index.cp932_encodable("\ue000")


def test_cache_round_trip_outside_the_repo(
    tmp_path: Path, mj_index: MJIndex, monkeypatch, repo_root: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CHUKAN_CACHE_DIR", str(tmp_path / "cache"))
    assert MJIndex.load_cached() is None
    path = mj_index.save()
    assert path == index_path() == tmp_path / "cache" / "mj-index.json"
    assert repo_root not in path.parents
    t0 = time.process_time()  # CPU time: the test machine is shared, wall time is noisy
    again = MJIndex.load_cached()
    elapsed = time.process_time() - t0
    assert again is not None and len(again) == len(mj_index)
    assert again.names_for("葛\U000e0104") == ["MJ022340"] and again.is_registered_ivs("葛\U000e0100")
    assert again.char("MJ059399").ivs == mj_index.char("MJ059399").ivs
    assert elapsed < 1.0, f"loading the MJ index cache took {elapsed:.2f} s"


def test_cache_dir_default_is_the_user_cache(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CHUKAN_CACHE_DIR", raising=False)
    assert "chukan-layout" in str(cache_dir())
    assert cache_dir("/x/y") == Path("/x/y")


def test_bad_inputs(tmp_path: Path) -> None:
    bad = tmp_path / "x.tsv"
    bad.write_text("a\tb\n", encoding="utf-8")
    with pytest.raises(GaijiError, match=r"x\.tsv:1: not an MJ list TSV"):
        parse_mj_tsv(bad)
    broken = tmp_path / "cache"
    broken.mkdir()
    (broken / "mj-index.json").write_text("{", encoding="utf-8")
    with pytest.raises(GaijiError, match="unreadable MJ index cache"):
        MJIndex.load_cached(broken)
    with pytest.raises(GaijiError, match="needs --mj-list"):
        MJIndex.build()


def test_xlsx_without_openpyxl_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import builtins

    real_import = builtins.__import__

    def no_openpyxl(name, *a, **kw):  # type: ignore[no-untyped-def]
        if name == "openpyxl":
            raise ImportError(name)
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    x = tmp_path / "mji.00602.xlsx"
    x.write_bytes(b"PK\x03\x04")
    with pytest.raises(
        GaijiError, match=r"needs openpyxl \(pip install openpyxl\); or build the index from the"
    ):
        MJIndex.build(xlsx=x)
