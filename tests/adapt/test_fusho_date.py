"""``fusho_date``: 不詳 forms → date + 不詳 flag + original text, never guessed."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from chukan_layout.adapt.loader import load_adapter
from chukan_layout.adapt.transforms.base import builtin_transforms
from chukan_layout.adapt.transforms.fusho import parse_fusho

from .conftest import provide

CASES = [
    ("昭和10年5月10日", "1935-05-10", False),
    ("1990年4月1日", "1990-04-01", False),
    ("平成元年１２月３日", "1989-12-03", False),
    ("明治45年7月30日", "1912-07-30", False),  # the shared last day of 明治
    ("年月日不詳", "", True),
    ("不詳", "", True),
    ("昭和10年月日不詳", "1935-00-00", True),
    ("昭和10年不詳", "1935-00-00", True),
    ("昭和10年5月日不詳", "1935-05-00", True),
    ("昭和10年5月不詳", "1935-05-00", True),
    ("昭和10年5月頃", "1935-05-00", True),
    ("昭和10年頃", "1935-00-00", True),
    ("昭和10年5月上旬", "1935-05-00", True),
    ("昭和10年5月中旬", "1935-05-00", True),
    ("昭和10年5月下旬", "1935-05-00", True),
    ("推定昭和10年5月10日", "1935-05-10", True),
    ("昭和10年5月10日（推定）", "1935-05-10", True),
    ("昭和10年5月〜6月", "1935-00-00", True),
    ("昭和10年5月10日〜20日", "1935-05-00", True),
    ("昭和10年〜昭和12年", "", True),
]


@pytest.mark.parametrize(("text", "date", "flag"), CASES)
def test_parse(text: str, date: str, flag: bool) -> None:
    p = parse_fusho(text)
    assert p is not None and (p.date, p.uncertain) == (date, flag)


@pytest.mark.parametrize("text", ["abc", "昭和10年13月1日", "昭和10年2月30日", "5月"])
def test_unreadable_is_none(text: str) -> None:
    assert parse_fusho(text) is None


def test_apply_sets_flag_and_original_and_reports(ctx) -> None:
    cls = builtin_transforms()["fusho_date"]
    t = cls(cls.Args(flag_item="birth_fusho", original_item="birth_text"))
    values = ["昭和10年5月上旬", "昭和10年5月10日", "", "abc", "昭和65年1月1日", "昭和10年5月上旬"]
    c = ctx(len(values))
    out = t.apply([pa.array(values)], c)
    assert out.to_pylist() == ["1935-05-00", "1935-05-10", "", "abc", "1990-01-01", "1935-05-00"]
    assert c.side["birth_fusho"].to_pylist() == ["1", "0", "", "0", "0", "1"]
    assert c.side["birth_text"].to_pylist() == ["昭和10年5月上旬", "", "", "", "", "昭和10年5月上旬"]
    codes = {k[0]: n for k, n in c.findings.counts.items()}
    assert codes == {"adapt.date": 1, "adapt.era_overflow": 1}


def test_in_an_adapter(tmp_path: Path) -> None:
    text = yaml.safe_load((Path(__file__).parent / "cases" / "unknown_transform.yaml").read_text())["adapter"]
    text = text.replace("name_splitt", "name_split").replace(
        "{wareki: {eras: eras, flag_item: birth_fusho}}", "{fusho_date: {flag_item: birth_fusho}}"
    )
    f = tmp_path / "adapter.yaml"
    f.write_text(text, encoding="utf-8")
    (t,) = load_adapter(f, layouts=provide).targets
    assert t.side_items == {"birth_fusho": "birth"}
