"""manifest.json: the fast row renderer writes exactly what json.dumps(indent=1) writes."""

from __future__ import annotations

import json

from chukan_layout.synth._manifest_files import rows_json
from chukan_layout.synth.faults import MANIFEST_FIELDS, ManifestRow
from chukan_layout.synth.generate import GenerateResult


def test_rows_json_is_json_dumps_indent_1() -> None:
    rows = [
        ManifestRow(
            "vendor_a",
            "JUMIN.DAT",
            12,
            "SHIMEI",
            "juki.jumin",
            "shimei",
            "juki_jumin.csv",
            11,
            "small_kana",
            "adapt.small_kana",
            'キョウコ "引用" \\ \t\r\n\x00 髙﨑 \ue000 \U00020bb7',
        ),
        ManifestRow(
            "standard", "x.csv", 1, "", "", "", "", 0, "wrong_trailer_count", "file.count_mismatch", ""
        ),
    ]
    for part in (rows, rows[:1], []):
        doc = {"a": 1, "rows": [m.as_dict() for m in part]}
        expected = json.dumps(doc, ensure_ascii=False, indent=1)
        assert (
            json.dumps({"a": 1, "rows": "@"}, ensure_ascii=False, indent=1).replace('"@"', rows_json(part))
            == expected
        )


def test_as_dict_is_plain(faulty: GenerateResult) -> None:
    m = faulty.manifest[0]
    assert list(m.as_dict()) == MANIFEST_FIELDS
    doc = json.loads(faulty.manifest_json.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert doc["rows"] == [x.as_dict() for x in faulty.manifest]
