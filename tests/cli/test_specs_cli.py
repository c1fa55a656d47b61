"""``chukan-layout specs`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.spec import registry

FIXTURES = Path(__file__).resolve().parents[1] / "spec" / "fixtures" / "layouts"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["specs", *args])
    return r.exit_code, r.stdout, r.stderr


def test_list_json_and_text() -> None:
    code, out, _ = run("list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) >= 12 and len({r["gyomu"] for r in rows}) >= 8
    jumin = next(r for r in rows if r["id"] == "juki.jumin")
    assert jumin["items"] == jumin["confirmed"] + jumin["modelled"] and jumin["gyomu"] == "住民基本台帳"
    code, out, _ = run("list")
    assert code == 0 and "juki.jumin" in out and "項目数" in out and "業務" in out


def test_show_text_and_json() -> None:
    code, out, _ = run("show", "juki.setai")
    assert code == 0 and "世帯番号" in out and "atena_mod11" in out and "provenance" in out
    code, out, _ = run("show", "juki.setai", "--json")
    spec = json.loads(out)
    assert spec["id"] == "juki.setai" and spec["items"][0]["provenance"]["status"] in (
        "confirmed",
        "modelled",
    )


def test_schema() -> None:
    code, out, _ = run("schema", "juki.jumin")
    schema = json.loads(out)
    assert code == 0 and schema["x-layout"] == "juki.jumin" and "atena_no" in schema["properties"]
    assert schema["properties"]["atena_no"]["title"] == "宛名番号"


def test_unknown_layout_exits_2_with_valid_ids() -> None:
    code, _, err = run("show", "juki.jumni")
    assert code == 2 and "unknown layout 'juki.jumni'" in err and "juki.jumin" in err


def test_codes() -> None:
    code, out, _ = run("codes", "gengo", "--json")
    table = json.loads(out)
    assert code == 0 and table["id"] == "gengo" and [v["name"] for v in table["values"]][-1] == "令和"
    code, out, _ = run("codes")
    assert code == 0 and "gengo" in out
    code, _, err = run("codes", "gengoo")
    assert code == 2 and "unknown code table 'gengoo'" in err


def test_lint_clean_and_broken(tmp_path: Path) -> None:
    code, out, _ = run("lint", str(FIXTURES))
    assert code == 0 and "2 layout(s), 3 code table(s): ok" in out
    broken = tmp_path / "test.jumin.yaml"
    broken.write_text(
        (FIXTURES / "test.jumin.yaml")
        .read_text(encoding="utf-8")
        .replace("    codes: seibetsu\n", "    codes: seibetu\n"),
        encoding="utf-8",
    )
    code, out, err = run("lint", str(broken))
    assert code == 1
    lines = out.strip().splitlines()
    assert all(line.startswith(f"{broken}:") for line in lines)
    assert any("seibetsu: unknown code table 'seibetu' (did you mean 'seibetsu'?)" in line for line in lines)
    assert any(
        "relation setai: relation to unknown layout 'test.setai'" in line for line in lines
    )  # not in PATHS
    assert "2 problem(s)" in err
    code, out, _ = run("lint", "--json", str(broken))
    report = json.loads(out)
    assert code == 1 and not report["ok"] and "seibetsu" in {p["item"] for p in report["problems"]}
    # --standalone: the relation target test.setai is not in PATHS, codes neither
    code, out, _ = run("lint", "--standalone", str(FIXTURES / "test.jumin.yaml"))
    assert code == 1 and "unknown layout 'test.setai'" in out and "unknown code table" in out


def test_layouts_option_adds_a_folder() -> None:
    try:
        code, out, _ = run("list", "--json", "--layouts", str(FIXTURES))
        assert code == 0 and "test.jumin" in {r["id"] for r in json.loads(out)}
    finally:
        registry.unregister_layout_dir(FIXTURES)
