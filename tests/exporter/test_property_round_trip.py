"""Hypothesis: render → read → adapt → export gives back the same bytes, for random valid records.

One fixed-width cp932 RDW definition with a field of every type (X text, N DBCS, 9 zoned, S signed
zoned, P packed, B binary), 和暦 and 西暦 dates (with 不詳 00 parts), half-width kana, a code
map, a header value and a trailer with a computed count and control total. The export profile
is *derived* from the adapter: nothing is written twice.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.adapt.engine import AdaptEngine
from chukan_layout.adapt.loader import load_adapter
from chukan_layout.exporter.engine import FileExporter
from chukan_layout.exporter.profile import load_plan
from chukan_layout.files import HashingWriter
from chukan_layout.findings import FindingSet
from chukan_layout.readers.api import read
from chukan_layout.readers.render import render_fixed
from chukan_layout.spec.wareki import ERAS

ADAPTER = """
adapter: prop
tables:
  eras: {"1": 明治, "2": 大正, "3": 昭和, "4": 平成, "5": 令和}
  jotai: {"A": "1", "B": "2", "C": "3"}
sources:
  setai:
    trim: true
    definition:
      kind: fixed_width
      encoding: cp932
      framing: rdw  # binary fields can hold 0D0A: CRLF framing is for text records
      record_type_field: {start: 1, length: 1}
      record_types:
        - {name: HEAD, role: header, match: "1", length: 120,
           fields: [{name: KBN, start: 1, length: 1}, {name: DANTAI, start: 2, length: 6}]}
        - name: DATA
          match: "2"
          fields:
            - {name: KBN, start: 1, length: 1}
            - {name: SETAI_NO, start: 2, length: 15}
            - {name: RIREKI, start: 17, length: 5, type: "9"}
            - {name: SAISHIN, start: 22, length: 1}
            - {name: SHIKU, start: 23, length: 6}
            - {name: TODOFUKEN, start: 29, length: 8, type: N}
            - {name: SHIKUGUN, start: 37, length: 30}
            - {name: KANA, start: 67, length: 20}
            - {name: SU, start: 87, length: 2, type: P}
            - {name: NIHONJIN, start: 89, length: 2, type: B}
            - {name: GAIKOKU, start: 91, length: 3, type: S}
            - {name: SEIRITSU, start: 94, length: 7}
            - {name: SHOMETSU, start: 101, length: 8}
            - {name: JOTAI, start: 109, length: 1}
        - name: TRAIL
          role: trailer
          match: "8"
          length: 120
          fields: [{name: KBN, start: 1, length: 1}, {name: KENSU, start: 2, length: 7, type: "9"},
                   {name: GOKEI, start: 9, length: 9, type: "9"}]
          control: {count: KENSU, totals: {GOKEI: SU}}
targets:
  - layout: juki.setai
    source: setai
    record_type: DATA
    items:
      dantai_code: header.DANTAI
      setai_no: SETAI_NO
      rireki_no: {from: RIREKI, steps: [number]}
      saishin_flag: SAISHIN
      jusho_shikuchoson_code: SHIKU
      jusho_todofuken: TODOFUKEN
      jusho_shikugunchoson: SHIKUGUN
      setainushi_shimei_kana: {from: KANA, steps: [{kana: zenkaku}]}
      setaiin_su: {from: SU, steps: [number]}
      setaiin_su_nihonjin: {from: NIHONJIN, steps: [number]}
      setaiin_su_gaikokujin: {from: GAIKOKU, steps: [number]}
      setai_seiritsu_ymd: {from: SEIRITSU, steps: [{wareki: eras}]}
      setai_shometsu_ymd: {from: SHOMETSU, steps: [{date: YYYYMMDD}]}
      setai_jotai: {from: JOTAI, steps: [{map: jotai}]}
"""

KANJI = "山田川本東京都千代田区大阪府北海道髙﨑橋辺"
HALF_KANA = "ｱｲｳｴｵｶｷｸｹｺｻｼｽﾀﾁﾂﾅﾆﾊﾋﾌﾍﾎﾏﾐﾔﾕﾖﾗﾘﾜｦﾝｰﾞﾟ "
ERA_CODE = {"明治": "1", "大正": "2", "昭和": "3", "平成": "4", "令和": "5"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("prop")
    (d / "prop.yaml").write_text(ADAPTER, encoding="utf-8")
    (d / "export.yaml").write_text("export: prop_export\nadapter: prop.yaml\n", encoding="utf-8")
    return d / "prop.yaml", d / "export.yaml"


def _trimmed(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), max_size=max_size).map(lambda s: s.strip(" \u3000"))


@st.composite
def wareki(draw: st.DrawFn) -> str:
    y = draw(st.integers(1868, 2030))
    m = draw(st.integers(0, 12))
    d = draw(st.integers(0, 28)) if m else 0  # 不詳: month unknown → day unknown too
    key = (y, max(m, 1), max(d, 1))
    era = [e for e in ERAS if (e.start.year, e.start.month, e.start.day) <= key][-1]
    return f"{ERA_CODE[era.name]}{y - era.start.year + 1:02d}{m:02d}{d:02d}"


@st.composite
def seireki(draw: st.DrawFn) -> str:
    m = draw(st.integers(0, 12))
    return f"{draw(st.integers(1900, 2099))}{m:02d}{draw(st.integers(0, 28)) if m else 0:02d}"


@st.composite
def record(draw: st.DrawFn) -> dict[str, str]:
    return {
        "SETAI_NO": draw(st.from_regex(r"[0-9]{1,15}", fullmatch=True)),
        "RIREKI": str(draw(st.integers(0, 99999))),
        "SAISHIN": draw(st.sampled_from("01")),
        "SHIKU": draw(st.from_regex(r"[0-9]{6}", fullmatch=True)),
        "TODOFUKEN": draw(_trimmed(KANJI, 4)),
        "SHIKUGUN": draw(_trimmed(KANJI + "ｱｲ-1", 15)),
        "KANA": draw(_trimmed(HALF_KANA, 20).filter(lambda s: not s.startswith(("ﾞ", "ﾟ")))),
        "SU": str(draw(st.integers(0, 999))),
        "NIHONJIN": str(draw(st.integers(0, 32767))),
        "GAIKOKU": str(draw(st.integers(-999, 999))),
        "SEIRITSU": draw(st.one_of(st.just(""), wareki())),
        "SHOMETSU": draw(st.one_of(st.just(""), seireki())),
        "JOTAI": draw(st.sampled_from("ABC")),
    }


@settings(max_examples=40)
@given(rows=st.lists(record(), min_size=1, max_size=12), dantai=st.from_regex(r"[0-9]{6}", fullmatch=True))
def test_render_read_adapt_export_gives_the_same_bytes(files: tuple[Path, Path], rows: list[dict[str, str]],
                                                       dantai: str) -> None:  # fmt: skip
    adapter_path, profile_path = files
    adapter = load_adapter(adapter_path)
    d = adapter.sources["setai"].definition
    cols = {k: [r[k] for r in rows] for k in rows[0]}
    total = sum(int(r["SU"]) for r in rows)
    original = (
        render_fixed(d, "HEAD", {"DANTAI": [dantai]})  # type: ignore[arg-type]
        + render_fixed(d, "DATA", cols)  # type: ignore[arg-type]
        + render_fixed(d, "TRAIL", {"KENSU": [str(len(rows))], "GOKEI": [str(total)]})  # type: ignore[arg-type]
    )
    fs = FindingSet()
    reader = read(io.BytesIO(original), d, source_id="SETAI.DAT")
    engine = AdaptEngine(adapter)
    batches = []
    for b in reader:
        engine.header_values = {k: str(v) for k, v in reader.headers[0].items() if not k.startswith("_")}
        out = engine.adapt("setai", b, fs, record_type="DATA", file="SETAI.DAT")
        batches.append(("juki_setai.csv", out.outputs["juki.setai"]))
    assert not reader.rejects and not fs.has_errors(), (reader.rejects, list(fs.rows()))
    plan = load_plan(profile_path)
    (fp,) = plan.files
    sink = io.BytesIO()
    outcome = FileExporter(fp, plan.unencodable, None, FindingSet()).write(
        HashingWriter(sink), {"juki.setai": iter(batches)}
    )
    assert sink.getvalue() == original
    assert outcome.written == {"juki_setai.csv": len(rows)} and outcome.trailer == {
        "KENSU": str(len(rows)),
        "GOKEI": str(total),
    }
