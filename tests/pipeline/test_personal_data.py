"""Personal data (issue 14, point 8): no install paths in report.json, every identifier masked, redacted rejects."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout import convert
from chukan_layout.findings import Sensitivity, mask_value
from chukan_layout.spec.registry import load_layout
from chukan_layout.synth.generate import generate


@given(st.text(min_size=1, max_size=12).filter(lambda v: not set(v) <= {"*", "＊"}),
       st.sampled_from([Sensitivity.NAME, Sensitivity.ADDRESS, Sensitivity.PERSONAL_ID]))  # fmt: skip
def test_masking_never_shows_the_whole_value(value: str, sensitivity: Sensitivity) -> None:
    assert mask_value(value, sensitivity) != value


def test_short_values_are_masked() -> None:
    assert mask_value("山", "name") == "＊"
    assert mask_value("3番地", "address") == "3＊＊"
    assert mask_value("1985", "birth_date") == "****"
    assert mask_value("1234", "personal_id") == "****"


@pytest.mark.parametrize(("layout", "item"), [
    ("juki.jumin", "jusho_yubin_bango"), ("juki.setai", "jusho_yubin_bango"), ("juki.jumin", "shomeiyo_serial"),
    ("juki.jumin", "riyosha_serial"), ("keiji.sharyo", "sharyo_no"), ("keiji.sharyo", "shadai_bango"),
    ("inkan.toroku", "torokusho_no"), ("inkan.toroku", "inkan_toroku_no"),
])  # fmt: skip
def test_identifiers_are_masked_in_samples(layout: str, item: str) -> None:
    it = next(i for i in load_layout(layout).spec.items if i.id == item)
    assert it.sensitivity is not Sensitivity.NONE, f"{layout}.{item} ({it.name})"


def test_report_json_has_no_absolute_paths_and_redacted_rejects_hold_no_data(tmp_path: Path) -> None:
    gen = generate(tmp_path / "town", vendors="b", residents=20, seed=9)
    src = next(p for p in gen.vendor_files["vendor_b"] if p.name == "jumin.csv")
    rows = list(csv.reader(io.StringIO(src.read_bytes().decode("cp932"), newline="")))
    secret = max(rows[1], key=len)  # a name or an address of the broken record
    f = tmp_path / "jumin.csv"
    f.write_bytes(
        src.read_bytes().replace(b"\r\n", b'\r\n"', 1)
    )  # one broken row: a read reject with raw bytes
    res = convert("vendor_b", [f], tmp_path / "out", workers=1, redact_rejects=True)
    report = json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))
    assert all(not Path(la["path"]).is_absolute() and la["path"].startswith("layout_specs/")
               for la in report["layouts"])  # fmt: skip
    assert res.rejects and res.rejects_path
    text = Path(res.rejects_path).read_text("utf-8")
    assert "redacted:" in text and secret not in text
    assert secret.encode("cp932").hex() not in text
