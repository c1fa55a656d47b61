"""Fixtures for the adapt tests: a tiny layout (independent of the shipped ones), a context."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pytest

from chukan_layout.adapt.transforms.base import Context
from chukan_layout.findings import FindingSet
from chukan_layout.spec.model import Layout

_M = {"status": "modelled"}


def _item(i: str, **kw: object) -> dict[str, object]:
    return {"id": i, "name": kw.pop("name", i), "type": kw.pop("type", "text"), "provenance": _M, **kw}


def _layout(lid: str, title: tuple[str, str], key: str, items: list[dict[str, object]]) -> Layout:
    return Layout.model_validate(
        {
            "id": lid,
            "gyomu": "テスト",
            "gyomu_id": "t",
            "file_name": lid.replace(".", "_") + ".csv",
            "title": {"ja": title[0], "en": title[1]},
            "spec_version": "test",
            "record_key": [key],
            "provenance": _M,
            "items": items,
        }
    )


PERSON = _layout(
    "t.person",
    ("人", "person"),
    "atena_no",
    [
        _item("atena_no", name="宛名番号", required=True),
        _item("shi", name="氏"),
        _item("mei", name="名"),
        _item("kana", name="カナ"),
        _item("birth", name="生年月日", type="date", partial_date={"flag_item": "birth_fusho"}),
        _item("birth_fusho", name="生年月日不詳フラグ", type="flag"),
        _item("sex", name="性別"),
        _item("kubun", name="区分"),
        _item("jusho", name="住所"),
        _item("extra", name="予備"),
    ],
)
HOUSE = _layout("t.house", ("世帯", "house"), "setai_no",
                [_item("setai_no", name="世帯番号", required=True), _item("nushi", name="世帯主")])  # fmt: skip
LAYOUTS = {lay.id: lay for lay in (PERSON, HOUSE)}


def provide(layout_id: str) -> Layout:
    try:
        return LAYOUTS[layout_id]
    except KeyError:
        raise KeyError(f"unknown layout {layout_id!r}; known: {', '.join(LAYOUTS)}") from None


@pytest.fixture
def layouts() -> Callable[[str], Layout]:
    return provide


@pytest.fixture
def ctx() -> Callable[[int], Context]:
    """A context for n rows (records 1..n) with a FindingSet keeping every sample."""

    def make(n: int) -> Context:
        return Context(
            "f.dat", "t.person", "item", pa.array(range(1, n + 1), pa.int64()), FindingSet(max_samples=None)
        )

    return make
