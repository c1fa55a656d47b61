"""``chukan-layout reconcile``: exit codes, outputs, options, rehearsal diff (two convert outputs)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import chukan_layout as cl
from chukan_layout.cli import main
from chukan_layout.synth.generate import GenerateResult


def _run(*args: object) -> tuple[int, str]:
    r = CliRunner().invoke(main, ["reconcile", *map(str, args)])
    return r.exit_code, r.output


def test_exit_0_and_outputs_when_everything_matches(town: GenerateResult, tmp_path: Path) -> None:
    g = town.out_dir / "golden"
    code, out = _run(g, g, "-o", tmp_path, "-j", "1")
    assert code == 0, out
    assert "照合表" in out and "✔ juki.setai" in out and "✘" not in out
    assert {p.name for p in tmp_path.iterdir()} == {"reconcile.json", "reconcile.html", "differences.csv"}
    doc = json.loads((tmp_path / "reconcile.json").read_text(encoding="utf-8"))
    assert doc["kind"] == "reconcile" and doc["verdict"]["status"] == "match"
    assert all(len(f["sha256"]) == 64 for f in doc["old"]["files"])


def test_exit_1_on_differences_and_2_on_errors(town: GenerateResult, tmp_path: Path) -> None:
    g, m = town.out_dir / "golden", town.out_dir / "migrated"
    code, out = _run(g, m, "-o", tmp_path / "r", "-j", "1")
    assert code == 1 and "不一致" in out
    code, out = _run(g, m, "-o", tmp_path / "k", "--key", "juki.jumin=no_such_item")
    assert code == 2 and "no_such_item" in out and "Traceback" not in out
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.csv").write_text('"a","b"\n"1","2"\n', encoding="utf-8")
    code, out = _run(bad, g, "-o", tmp_path / "b")
    assert code == 2 and "x.csv" in out and "Traceback" not in out


def test_hostile_values_are_guarded_in_differences_csv(town: GenerateResult, tmp_path: Path) -> None:
    g = town.out_dir / "golden"
    new = tmp_path / "new"
    new.mkdir()
    src = (g / "juki_setai.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    cells = src[1].split(",")
    col = next(i for i, h in enumerate(src[0].split(",")) if h.strip('"') == "住所_方書")
    cells[col] = '"=HYPERLINK(""http://x"")"'
    (new / "juki_setai.csv").write_text(src[0] + ",".join(cells) + "".join(src[2:]), encoding="utf-8")
    res = cl.reconcile(g / "juki_setai.csv", new, tmp_path / "o", unmask=True)
    text = (tmp_path / "o" / "differences.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert res.to_pandas()["new_value"].tolist() == ['=HYPERLINK("http://x")']  # to_pandas: the guard removed


def test_key_override_and_no_equivalences(town: GenerateResult, tmp_path: Path) -> None:
    g, m = town.out_dir / "golden", town.out_dir / "migrated"
    strict = cl.reconcile(g / "juki_setai.csv", m / "juki_setai.csv", equivalences=())
    default = cl.reconcile(g / "juki_setai.csv", m / "juki_setai.csv")
    assert strict.report.layouts[0].changed > default.report.layouts[0].changed  # trailing blanks now count
    by_setai = cl.reconcile(g / "juki_setai.csv", m / "juki_setai.csv", keys={"*": ["世帯番号", "履歴番号"]})
    assert by_setai.report.options.keys["juki.setai"] == ["setai_no", "rireki_no"]


def test_code_map_is_an_equivalence_and_moves_old_totals(town: GenerateResult, tmp_path: Path) -> None:
    g = town.out_dir / "golden"
    new = tmp_path / "new"
    new.mkdir()
    text = (g / "juki_setai.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    col = [h.strip('"') for h in lines[0].rstrip("\r\n").split(",")].index("世帯状態")

    def recode(line: str) -> str:
        cells = line.rstrip("\r\n").split(",")
        cells[col] = '"A"' if cells[col] == '"1"' else cells[col]
        return ",".join(cells) + "\r\n"

    (new / "juki_setai.csv").write_text(lines[0] + "".join(recode(x) for x in lines[1:]), encoding="utf-8")
    cmap = tmp_path / "codes.csv"
    cmap.write_text("item,old,new\n世帯状態,1,A\n", encoding="utf-8")
    plain = cl.reconcile(g / "juki_setai.csv", new)
    mapped = cl.reconcile(g / "juki_setai.csv", new, code_map=cmap)
    assert plain.report.layouts[0].changed > 0
    assert mapped.report.layouts[0].changed == 0
    eq = {(e.item, e.equivalence): e.count for e in mapped.report.layouts[0].equivalences}
    assert eq[("setai_jotai", "code_map")] == plain.report.layouts[0].by_item[0].changed
    by_jotai = [t for t in mapped.report.totals if t.total_id == "by_jotai"]
    assert by_jotai and all(t.ok for t in by_jotai)


@pytest.mark.slow
def test_rehearsal_diff_compares_findings_of_two_convert_outputs(
    town: GenerateResult, tmp_path: Path
) -> None:
    table = town.gaiji_tables["vendor_a"]
    files = [p for p in town.vendor_files["vendor_a"] if p != table]
    r1 = tmp_path / "rehearsal1"
    r2 = tmp_path / "rehearsal2"
    cl.convert("vendor_a", files, r1, workers=1)  # rehearsal 1: the vendor's 外字対応表 forgotten
    cl.convert("vendor_a", files, r2, gaiji_tables=[table], workers=1)
    for extra in ("summary.json",):
        assert (r1 / extra).exists()
    res = cl.reconcile(r1, r2, tmp_path / "diff")
    assert res.report.findings_diff is not None
    gone = {f.code for f in res.report.findings_diff if f.change == "disappeared"}
    assert "gaiji.unmapped" in gone
    assert res.exit_code == 1  # the names that carried unmapped 外字 changed between rehearsals
    assert {f.role for f in res.report.old.files} >= {"standard", "report"}
    shutil.rmtree(tmp_path / "diff")


def test_totals_profile_replaces_the_layout_totals(town: GenerateResult, tmp_path: Path) -> None:
    g = town.out_dir / "golden"
    prof = tmp_path / "totals.yaml"
    prof.write_text(
        "juki.setai:\n  totals:\n  - {id: members, label: 世帯員数合計, kind: sum, item: setaiin_su}\n"
        "  provenance: {status: modelled, note: test}\n",
        encoding="utf-8",
    )
    code, out = _run(
        g / "juki_setai.csv", g / "juki_setai.csv", "-o", tmp_path / "o", "--totals", prof, "-j", "1"
    )
    assert code == 0 and "世帯員数合計" in out and "世帯状態別件数" not in out
    prof.write_text("juki.setai:\n  totals:\n  - {id: x, label: x, kind: sum, item: nope}\n"
                    "  provenance: {status: modelled}\n", encoding="utf-8")  # fmt: skip
    code, out = _run(g / "juki_setai.csv", g / "juki_setai.csv", "-o", tmp_path / "p", "--totals", prof)
    assert code == 2 and "nope" in out and "Traceback" not in out
