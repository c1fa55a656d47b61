"""Reader.to_pandas(): a DataFrame of string columns (values stay strings) with _record."""

from __future__ import annotations

from chukan_layout.readers import read, render_fixed
from chukan_layout.readers.definition import (
    CsvDefinition,
    FieldDef,
    FixedWidthDefinition,
    RecordType,
    RecordTypeField,
)


def test_csv_values_stay_strings() -> None:
    data = "atena,shimei,kingaku\r\n000123,髙橋　花子,0100\r\n000124,ﾊﾝｶｸ ｶﾞﾊﾟ,\r\n".encode("cp932")
    r = read(data, CsvDefinition(encoding="cp932"))
    df = r.to_pandas()
    assert list(df.columns) == ["atena", "shimei", "kingaku", "_record", "_source"]
    assert {str(df[c].dtype) for c in ("atena", "shimei", "kingaku", "_source")} == {"string"}
    assert str(df["_record"].dtype) == "int64" and df["_record"].tolist() == [2, 3]  # the header is record 1
    assert df["atena"].tolist() == ["000123", "000124"] and df["kingaku"].tolist() == ["0100", ""]
    assert df["shimei"].tolist() == ["髙橋　花子", "ﾊﾝｶｸ ｶﾞﾊﾟ"]
    assert r.stats.records_yielded == 2 and r.to_pandas().empty  # consumed


def test_several_record_types_get_the_union_of_fields() -> None:
    d = FixedWidthDefinition(
        encoding="cp932",
        record_type_field=RecordTypeField(start=1, length=1),
        record_types=[
            RecordType(name="person", match="1", fields=[FieldDef(name="k", start=1, length=1),
                                                          FieldDef(name="shimei", start=2, length=10)]),
            RecordType(name="house", match="2", fields=[FieldDef(name="k", start=1, length=1),
                                                         FieldDef(name="setai", start=2, length=9),
                                                         FieldDef(name="pad", start=11, length=1)]),
        ],
    )  # fmt: skip
    data = render_fixed(d, "person", {"k": ["1"], "shimei": ["﨑田"]}) + render_fixed(
        d, "house", {"k": ["2"], "setai": ["000000200"], "pad": [""]}
    )
    df = read(data, d, batch_size=1).to_pandas()
    assert df["_record_type"].tolist() == ["person", "house"]
    assert df["shimei"].tolist() == [
        "﨑田      ",
        "",
    ]  # padding kept: trimming is a transform and df["setai"].tolist() == ["", "000000200"]
    assert df["_record"].tolist() == [1, 2]
