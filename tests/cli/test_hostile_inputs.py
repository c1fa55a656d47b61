"""Hostile inputs end in one clear line and exit 2 (or findings), never a traceback (issue 14, points 5 and 7)."""

from __future__ import annotations

import csv
import gzip
import io
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from chukan_layout.cli import main
from chukan_layout.synth.generate import GenerateResult, generate


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("hostile"), vendors="a,b", residents=20, seed=4)


def _file(town: GenerateResult, vendor: str, name: str) -> Path:
    return next(p for p in town.vendor_files[vendor] if p.name == name)


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _one_error_line(r: Result) -> str:
    assert r.exit_code == 2, r.output
    assert ("Traceback" not in r.output and r.exception is None) or isinstance(r.exception, SystemExit)
    lines = [ln for ln in r.output.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, r.output
    return lines[0]


def _xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


@pytest.mark.parametrize(("kind", "make"), [
    ("gzip-compressed", lambda b: gzip.compress(b)),
    ("ZIP archive", lambda b: zipfile_bytes(b)),
    ("Excel workbook", lambda b: _xlsx_bytes()),
])  # fmt: skip
def test_containers_are_named_by_their_magic_bytes(town: GenerateResult, tmp_path: Path, kind: str,
                                                   make: object) -> None:  # fmt: skip
    src = _file(town, "vendor_b", "jumin.csv")
    f = tmp_path / "jumin.csv"
    f.write_bytes(make(src.read_bytes()))  # type: ignore[operator]
    for args in (["convert", "-a", "vendor_b", str(f), "-o", str(tmp_path / "o")],
                 ["validate", "--layout", "juki.jumin", str(f), "-o", str(tmp_path / "r")]):  # fmt: skip
        line = _one_error_line(_run(*args))
        assert "jumin.csv" in line and kind in line and "byte offset 0" in line


def zipfile_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("jumin.csv", data)
    return buf.getvalue()


@pytest.mark.parametrize("damage", ["cr_only", "stray_cr", "random", "nul"])
def test_damaged_csv_gives_findings_or_one_line(town: GenerateResult, tmp_path: Path, damage: str) -> None:
    data = _file(town, "vendor_b", "jumin.csv").read_bytes()
    if damage == "cr_only":
        data = data.replace(b"\r\n", b"\r")
    elif damage == "stray_cr":
        i = data.index(b"\n", 400)
        data = data[: i - 20] + b"\r" + data[i - 20 :]
    elif damage == "random":
        data = os.urandom(4000)
    else:
        data = data[:300] + b"\x00" * 50 + data[300:]
    f = tmp_path / "jumin.csv"
    f.write_bytes(data)
    for args in (["convert", "-a", "vendor_b", str(f), "-o", str(tmp_path / "o")],
                 ["validate", "--layout", "juki.jumin", str(f), "-o", str(tmp_path / "r")]):  # fmt: skip
        r = _run(*args)
        assert "Traceback" not in r.output and r.exit_code in (1, 2), r.output
        if damage in ("cr_only", "stray_cr") and args[0] == "convert":  # records rejected, the run goes on
            assert r.exit_code == 1, r.output
        assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
        assert "合格 / PASS" not in r.output  # damaged input never passes


def test_a_bad_byte_in_a_vendor_a_header_is_not_a_traceback(town: GenerateResult, tmp_path: Path) -> None:
    data = _file(town, "vendor_a", "KAIGO.DAT").read_bytes()
    f = tmp_path / "KAIGO.DAT"
    f.write_bytes(b"\x95" + data[1:])
    r = _run("convert", "-a", "vendor_a", str(f), "-o", str(tmp_path / "o"))
    assert r.exit_code in (1, 2) and "Traceback" not in r.output, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_unknown_encodings_and_aliases(town: GenerateResult, tmp_path: Path) -> None:
    src = _file(town, "vendor_b", "jumin.csv")
    line = _one_error_line(_run("convert", "-a", "vendor_b", "--input-encoding", "klingon", str(src), "-o",
                                str(tmp_path / "o")))  # fmt: skip
    assert "klingon" in line
    r = _run("inspect", "--encoding", "IBM930", str(_file(town, "vendor_a", "KAIGO.DAT")))
    assert r.exit_code in (0, 2) and "Traceback" not in r.output, r.output


def test_an_output_folder_that_cannot_be_created(town: GenerateResult, tmp_path: Path) -> None:
    # A read-only folder cannot be tested as root (CI runs as root); a path below a regular file
    # fails for every user with an OSError in the same place (creating the output folder).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    out = blocker / "o"
    line = _one_error_line(_run("convert", "-a", "vendor_b", str(_file(town, "vendor_b", "jumin.csv")),
                                "-o", str(out)))  # fmt: skip
    assert "not-a-folder" in line


def test_a_symlink_loop_as_the_output(town: GenerateResult, tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop")
    line = _one_error_line(_run("convert", "-a", "vendor_b", str(_file(town, "vendor_b", "jumin.csv")),
                                "-o", str(loop)))  # fmt: skip
    assert "loop" in line


def test_a_gaiji_table_of_random_bytes(town: GenerateResult, tmp_path: Path) -> None:
    t = tmp_path / "GAIJI.tsv"
    t.write_bytes(os.urandom(3000))
    r = _run(
        "convert",
        "-a",
        "vendor_b",
        str(_file(town, "vendor_b", "jumin.csv")),
        "--gaiji-table",
        str(t),
        "-o",
        str(tmp_path / "o"),
    )
    line = _one_error_line(r)
    assert "GAIJI.tsv" in line


def test_an_lf_in_a_name_never_reaches_the_output_as_pass(town: GenerateResult, tmp_path: Path) -> None:
    raw = _file(town, "vendor_b", "setai.csv").read_bytes().decode("cp932")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    col = 5  # 世帯主氏名 in vendor B's setai.csv
    rows[1][col] = rows[1][col][:2] + "\n" + rows[1][col][2:]
    assert "\n" in rows[1][col]
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    f = tmp_path / "setai.csv"
    f.write_bytes(buf.getvalue().encode("cp932"))
    out = tmp_path / "o"
    r = _run("convert", "-a", "vendor_b", str(f), "-o", str(out))
    assert "合格 / PASS" not in r.output and "item.charset" in r.output
    written = list(csv.reader(io.StringIO((out / "juki_setai.csv").read_text("utf-8"), newline="")))
    i = written[0].index("世帯主氏名")
    assert not any("\n" in row[i] for row in written[1:])


def test_control_characters_from_data_never_reach_the_terminal(tmp_path: Path) -> None:
    name = "jumin\x1b]8;;evil\x07\x9b.csv"
    f = tmp_path / name
    f.write_text("市区町村コード\r\n", "utf-8")
    r = _run("validate", "--layout", "juki.jumin", str(f), "-o", str(tmp_path / "r"))
    assert "\x1b" not in r.output and "\x07" not in r.output and "\x9b" not in r.output
    assert "jumin\\x1b]8;;evil\\x07\\u009b.csv" in r.output
