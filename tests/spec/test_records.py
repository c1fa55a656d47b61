"""The generated Pydantic record model implements the item check semantics table exactly."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from chukan_layout.spec import _record_checks, records
from chukan_layout.spec.registry import LoadedLayout

GOOD: dict[str, str] = {
    "dantai_code": "131016",
    "atena_no": "00001236",
    "rireki_no": "1",
    "jumin_shubetsu": "1",
    "shimei": "髙﨑　葛\U000e0100子",
    "seinengappi": "1989-01-07",
    "seinengappi_gengo": "03",
}


def errors(layout: LoadedLayout, **changes: str) -> set[tuple[str, str]]:
    try:
        layout.model.model_validate({**GOOD, **changes})
    except ValidationError as e:
        return {(str(err["loc"][0]), err["type"]) for err in e.errors()}
    return set()


def test_good_record_by_id_and_by_name(jumin: LoadedLayout) -> None:
    rec = jumin.model.model_validate(GOOD)
    assert rec.shimei == GOOD["shimei"] and rec.biko2 == ""  # type: ignore[attr-defined]
    by_name = {jumin.item(k).name: v for k, v in GOOD.items()}
    assert jumin.model.model_validate(by_name).model_dump() == rec.model_dump()
    assert jumin.model.model_validate({**GOOD, "biko": None}).biko == ""  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"shimei": ""}, {("shimei",): "item.required"}),
        ({"biko": ""}, {}),  # blank, not required: no check at all
        ({"shimei": "あ" * 21}, {("shimei",): "item.length"}),
        ({"jusho": "東京都千代田区" + "ｱ" * 47}, {("jusho",): "item.length"}),  # 14 + 47 = 61 bytes
        ({"jusho": "東京都千代田区" + "ｱ" * 46}, {}),  # cp932 bytes: kanji 2, 半角カナ 1 → 60
        ({"jusho": "\ue000" * 30}, {("jusho",): "item.charset"}),  # 外字: 2 bytes each, outside cp932 class
        ({"honseki": "髙橋"}, {("honseki",): "item.charset"}),
        ({"shimei_kana": "ﾔﾏﾀﾞ"}, {("shimei_kana",): "item.charset"}),
        ({"rireki_no": "1a"}, {("rireki_no",): "item.type", ("rireki_no", 1): "item.pattern"}),
        ({"shotoku": "12.345"}, {("shotoku",): "item.type"}),
        ({"shotoku": "-12.34"}, {}),
        ({"koshin_jikoku": "24:00:00"}, {("koshin_jikoku",): "item.type"}),
        ({"kaishi_ym": "2024-13"}, {("kaishi_ym",): "item.type"}),
        ({"seinengappi": "1989-02-29", "seinengappi_gengo": ""}, {("seinengappi",): "item.date"}),
        (
            {"seinengappi": "1867-12-31", "seinengappi_gengo": ""},
            {("seinengappi",): "item.date"},
        ),  # era_range
        (
            {"seinengappi": "1935-00-00", "seinengappi_gengo": "03"},
            {("seinengappi",): "item.date"},
        ),  # no flag
        ({"seinengappi": "1935-00-00", "seinengappi_gengo": "03", "seinengappi_fusho": "1"}, {}),
        ({"seinengappi": "1935-04-00", "seinengappi_fusho": "1", "seinengappi_gengo": "03"}, {}),
        ({"seinengappi": "1935-00-05", "seinengappi_fusho": "1"}, {("seinengappi",): "item.date"}),
        (
            {"seinengappi": "1989-01-08"},
            {("seinengappi_gengo",): "item.era_mismatch"},
        ),  # 平成, code says 昭和
        ({"seinengappi": "2019-04-30", "seinengappi_gengo": "04"}, {}),
        (
            {"seinengappi": "2019-05-01", "seinengappi_gengo": "04"},
            {("seinengappi_gengo",): "item.era_mismatch"},
        ),
        ({"seinengappi": "2019-05-01", "seinengappi_gengo": "05"}, {}),
        ({"seibetsu": "3"}, {("seibetsu",): "item.code"}),
        ({"rireki_no": "0"}, {("rireki_no",): "item.pattern", ("rule:rireki_positive",): "row.rule"}),
        ({"dantai_code": "131017"}, {("dantai_code",): "item.check_digit"}),
        ({"kojin_bango": "123456789018"}, {}),
        ({"kojin_bango": "12345678901"}, {("kojin_bango",): "item.check_digit"}),
        ({"jumin_shubetsu": "2"}, {("rule:foreigner_needs_nationality",): "row.rule"}),
        ({"jumin_shubetsu": "2", "kokuseki_code": "840", "zairyu_card_no": "AB12345678CD"}, {}),
        ({"zairyu_card_no": "AB12345678CD"}, {("rule:japanese_has_no_card",): "row.rule"}),
    ],
)
def test_item_checks(
    jumin: LoadedLayout, changes: dict[str, str], expected: dict[tuple[Any, ...], str]
) -> None:
    assert errors(jumin, **changes) == {(str(loc[0]), code) for loc, code in expected.items()}


def test_error_details_name_the_item(jumin: LoadedLayout) -> None:
    with pytest.raises(ValidationError) as ei:
        jumin.model.model_validate({**GOOD, "shimei": "", "jumin_shubetsu": "2"})
    errs = ei.value.errors()
    assert [e["type"] for e in errs] == ["item.required", "row.rule"]
    assert errs[0]["msg"] == "氏名 (shimei) is required"
    assert errs[1]["loc"] == ("rule:foreigner_needs_nationality",)
    assert "在留カード等番号" in errs[1]["msg"]


def test_the_oracle_s_names_are_its_module_s_objects() -> None:
    """records is the import path of the checks behind the model (registry, strategies and the
    differential tests reach them there); they are ``_record_checks``' objects, not copies."""
    for name in ["ItemChecker", "RecordChecker", "full_date", "type_pattern", "value_length", "verdict"]:
        assert getattr(records, name) is getattr(_record_checks, name), name
    assert records.build_model.__module__ == "chukan_layout.spec.records"


def test_json_schema(jumin: LoadedLayout) -> None:
    schema = jumin.json_schema()
    assert jumin.model.__module__ == "chukan_layout.spec.records"
    props = schema["properties"]
    assert list(props) == jumin.spec.item_ids
    assert props["shimei"]["title"] == "氏名" and props["shimei"]["maxLength"] == 20
    assert props["shimei"]["minLength"] == 1
    assert props["seibetsu"]["enum"] == ["", "1", "2", "9"]
    assert props["dantai_code"]["pattern"] == "^([0-9]+)$"
    assert "confirmed: S12" in props["dantai_code"]["description"]
    assert "modelled" in props["biko"]["description"]
    assert props["atena_no"]["x-chukan"]["sensitivity"] == "personal_id"
    assert schema["x-layout"] == "test.jumin"
