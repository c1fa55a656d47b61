"""Property: any layout the model accepts survives export → import (names with 髙/﨑, 〜/～,
ﾊﾝｶｸ with ﾞﾟ, PUA 外字, a leading '=' that must not become a formula)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chukan_layout.spec.model import Charset, ItemType, Layout
from chukan_layout.spec.workbook.importer import import_book
from chukan_layout.spec.workbook.profile import load_profile
from chukan_layout.spec.workbook.writer import write_workbook

PROFILES = {p: load_profile(p) for p in ("jlis-v27", "kihon-data-list")}
CHARS = "髙﨑〜～ﾊﾝｶｸﾞﾟ\ue000山田太郎 =-_()（）0１"
NAMES = st.text(CHARS, min_size=1, max_size=8).map(str.strip).filter(bool)
TYPES = [t for t in ItemType if t not in (ItemType.CODE, ItemType.DECIMAL)]


@st.composite
def items(draw: st.DrawFn) -> list[dict[str, object]]:
    names = draw(st.lists(NAMES, min_size=1, max_size=6, unique=True))
    out = []
    for i, name in enumerate(names):
        it: dict[str, object] = {"id": f"i{i}", "name": name, "type": draw(st.sampled_from(TYPES)).value}
        it["charset"] = draw(st.sampled_from(list(Charset))).value
        if draw(st.booleans()):
            mx = draw(st.integers(1, 200))
            it["length"] = {"max": mx, "min": draw(st.none() | st.integers(0, mx))}
            if draw(st.booleans()):
                it["length"] = {
                    **it["length"],
                    "unit": "bytes",
                    "encoding": draw(st.sampled_from(["cp932", "utf-8"])),
                }  # type: ignore[dict-item]
        it["required"] = draw(st.booleans())
        if draw(st.booleans()):
            it["description"] = draw(NAMES)
        it["provenance"] = draw(
            st.sampled_from([{"status": "modelled"}, {"status": "confirmed", "source": "S11 j10"}])
        )
        out.append(it)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=items(), profile=st.sampled_from(sorted(PROFILES)))
def test_export_then_import_is_identity(items: list[dict[str, object]], profile: str) -> None:
    lay = Layout.model_validate(
        {
            "id": "test.prop",
            "gyomu": "住民基本台帳",
            "gyomu_id": "test",
            "file_name": "=prop.csv",
            "title": {"ja": "性質", "en": "property"},
            "spec_version": "t",
            "record_key": ["i0"],
            "items": items,
            "provenance": {"status": "modelled"},
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        book = write_workbook(Path(tmp) / "p.xlsx", PROFILES[profile], [lay], [])
        r = import_book([book], PROFILES[profile])
    assert r.problems == []
    assert r.layouts[0].model_copy(update={"edition": None}) == lay
