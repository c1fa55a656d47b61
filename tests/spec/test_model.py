"""spec.model is the one import path of the layout model: its parts (``_model_types``, ``_model_item``,
``_model_reconcile``) are re-exported as the very same objects, and the split left the models' fields,
their order and their JSON Schema as they were."""

from __future__ import annotations

import pickle

import pytest

from chukan_layout.spec import _model_item, _model_reconcile, _model_types, model

HOMES = [
    *[(n, _model_types) for n in ["Strict", "ItemType", "Charset", "CheckDigit", "LengthUnit", "Confirmed",
                                  "Modelled", "Provenance"]],
    *[(n, _model_item) for n in ["Length", "PartialDate", "Item"]],
    *[(n, _model_reconcile) for n in ["Total", "CrossTotal", "ReconcileSpec"]],
    *[(n, model) for n in ["RowRule", "Relation", "Title", "Edition", "Layout", "CodeValue", "CodeTable"]],
]  # fmt: skip


def test_all_is_pinned_and_every_name_is_its_part_s_object() -> None:
    assert sorted(model.__all__) == sorted(n for n, _ in HOMES)
    for name, home in HOMES:
        assert getattr(model, name) is getattr(home, name), name


@pytest.mark.parametrize(
    ("cls", "fields"),
    [
        (model.Item, ["id", "name", "name_en", "type", "length", "scale", "charset", "allow_controls",
                      "required", "codes", "pattern", "check_digit", "partial_date", "era_range",
                      "nonexistent", "era_of", "sensitivity", "description", "provenance"]),
        (model.Layout, ["id", "gyomu", "gyomu_id", "file_name", "title", "spec_version", "description",
                        "record_key", "items", "rules", "relations", "provenance", "reconcile", "edition"]),
        (model.Total, ["id", "label", "label_en", "kind", "item", "by", "where", "as_of", "bands"]),
    ],
)  # fmt: skip
def test_field_order_is_the_layout_files_order(cls: type[model.Strict], fields: list[str]) -> None:
    assert list(cls.model_fields) == fields
    assert list(cls.model_json_schema()["properties"]) == fields


def test_the_layout_schema_names_every_part_once() -> None:
    defs = model.Layout.model_json_schema()["$defs"]
    assert sorted(defs) == sorted(
        ["Charset", "CheckDigit", "Confirmed", "CrossTotal", "Edition", "Item", "ItemType", "Length",
         "LengthUnit", "Modelled", "PartialDate", "ReconcileSpec", "Relation", "RowRule", "Sensitivity",
         "Title", "Total"]
    )  # fmt: skip
    assert defs["Item"]["description"] == "One 項目 of a layout."


def test_an_item_of_japanese_text_round_trips_and_pickles() -> None:
    item = model.Item.model_validate(
        {
            "id": "shimei",
            "name": "氏名（髙﨑）",
            "type": "text",
            "length": {"max": 40, "unit": "bytes", "encoding": "cp932"},
            "charset": "jis_x0213",
            "pattern": "^[^〜～]*$",
            "provenance": {"status": "modelled", "note": "ﾊﾟ は全角に"},
        }
    )
    assert item.length is not None and item.length.unit is model.LengthUnit.BYTES
    assert model.Item.model_validate(item.model_dump()) == item
    assert pickle.loads(pickle.dumps(item)) == item
    with pytest.raises(ValueError, match="needs an encoding"):
        model.Length(max=10, unit=model.LengthUnit.BYTES)
