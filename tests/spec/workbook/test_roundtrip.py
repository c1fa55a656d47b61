"""import(export(x)) == x for every reference layout and its code tables, in both profile shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.spec.registry import all_codes, list_layouts
from chukan_layout.spec.workbook.importer import import_book
from chukan_layout.spec.workbook.profile import load_profile
from chukan_layout.spec.workbook.writer import write_workbook


@pytest.mark.parametrize("profile", ["jlis-v27", "kihon-data-list"])
def test_every_reference_layout_round_trips(tmp_path: Path, profile: str) -> None:
    prof = load_profile(profile)
    layouts = [L.spec for L in list_layouts()]
    codes = all_codes()
    used = sorted({it.codes for lay in layouts for it in lay.items if it.codes})
    tables = [codes[c] for c in used]
    book = write_workbook(tmp_path / "reference.xlsx", prof, layouts, tables)
    r = import_book([book], prof)
    assert r.problems == []
    got = {lay.id: lay for lay in r.layouts}
    assert sorted(got) == sorted(lay.id for lay in layouts)
    for lay in layouts:
        back = got[lay.id]
        assert back.edition is not None and back.edition.book == "reference.xlsx"
        assert back.model_copy(update={"edition": None}) == lay, lay.id
    assert {t.id: t for t in r.codes} == {t.id: t for t in tables}
    # modelled items stay modelled: the export writes 出典, so a round trip confirms nothing new
    assert sum(it.provenance.status == "modelled" for lay in r.layouts for it in lay.items) == sum(
        it.provenance.status == "modelled" for lay in layouts for it in lay.items
    )


def test_cli_export_import_lint(tmp_path: Path) -> None:
    book = tmp_path / "001_住民基本台帳_基本データリスト【第2.1版】_20230929.xlsx"
    run = CliRunner().invoke
    r = run(main, ["specs", "export", "juki.jumin", "juki.setai", "--xlsx", str(book)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "imported"
    r = run(main, ["specs", "import", str(book), "--profile", "kihon-data-list", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "juki.jumin: 132 items  住民基本台帳 第2.1版 2023-09-29" in r.output
    assert (out / "juki.jumin.yaml").is_file() and (out / "codes" / "zokugara.yaml").is_file()
    r = run(main, ["specs", "lint", "--standalone", str(out)])
    assert r.exit_code == 0, r.output
    from chukan_layout.spec.registry import unregister_layout_dir

    try:
        r = run(main, ["specs", "show", "juki.setai", "--layouts", str(out), "--json"])
        assert '"edition": "第2.1版"' in r.output
    finally:
        unregister_layout_dir(out)  # --layouts registers the folder for the rest of the process


def test_cli_import_errors_exit_2_and_write_nothing(tmp_path: Path) -> None:
    from .books import KIHON_ROWS, kihon_book, kihon_rows

    rows = [list(x) for x in KIHON_ROWS]
    rows[0][3] = "数字X"
    book = kihon_book(tmp_path, sheets={"基本データリスト": kihon_rows(rows=rows)})
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["specs", "import", str(book), "-o", str(out)])
    assert r.exit_code == 2
    assert "基本データリスト!D6: unknown type word '数字X'" in r.output
    assert not out.exists()
