"""The one options object: shared CLI/library defaults, checked once, ``layouts_dir`` for a run."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.commands.convert import convert as convert_cmd
from chukan_layout.commands.validate import validate as validate_cmd
from chukan_layout.errors import OptionsError, UnknownLayoutError
from chukan_layout.pipeline.options import ConvertOptions, ValidateOptions
from chukan_layout.pipeline.standard import validate_files
from chukan_layout.resources import layout_specs_dir
from chukan_layout.spec.registry import layout_ids

# CLI parameter → (options field, how the CLI value becomes the option value)
CONVERT = {"input_encoding": "encoding", "output_encoding": "output_encoding", "limit": "limit",
           "validate": "validate", "on_error": "on_error", "gaiji_source_system": "gaiji_source_system",
           "mj_index": "mj_index", "raw_values": "raw_values", "max_samples": "max_samples",
           "report_dir": "report_dir", "workers": "workers",
           "executor": "executor", "scheduler": "scheduler"}  # fmt: skip
VALIDATE = {"encoding": "encoding", "layout_id": "layout", "layouts_auto": "layouts_auto",
            "raw_values": "raw_values", "max_samples": "max_samples", "workers": "workers",
            "executor": "executor", "scheduler": "scheduler"}  # fmt: skip


def _defaults(cmd: click.Command) -> dict[str, object]:
    ctx = click.Context(cmd)
    return {p.name: p.get_default(ctx) for p in cmd.params if p.name}


@pytest.mark.parametrize(("cmd", "cls", "names"), [(convert_cmd, ConvertOptions, CONVERT),
                                                   (validate_cmd, ValidateOptions, VALIDATE)])  # fmt: skip
def test_cli_and_library_share_every_default(cmd: click.Command, cls: type, names: dict[str, str]) -> None:
    cli, lib = _defaults(cmd), cls()
    for param, field in names.items():
        assert cli[param] == getattr(lib, field), (param, cli[param], getattr(lib, field))
    assert cli["max_errors"] == lib.thresholds.max_error_findings
    assert cli["max_reject_rate"] == lib.thresholds.max_reject_rate
    assert lib.layouts_dir == ()  # multiple=True: none given
    if cls is ConvertOptions:
        assert cli["strict"] is False and lib.policy == "reject"
        assert lib.validate is True  # the library validates by default, as the command does


def test_options_are_frozen_checked_once_and_built_from_keywords(tmp_path: Path) -> None:
    o = ConvertOptions.of(
        None, workers=2, gaiji_tables=[Path("a.tsv")], severity_overrides={"item.date": "WARNING"}
    )
    assert (
        o.workers == 2 and o.gaiji_tables == ("a.tsv",) and o.severity_overrides == {"item.date": "warning"}
    )
    with pytest.raises(AttributeError):
        o.workers = 3  # type: ignore[misc]
    assert ConvertOptions.of(o) is o and ConvertOptions.of(o, limit=5).limit == 5 and o.limit is None
    bad = [{"on_error": "drop"}, {"workers": 0}, {"policy": "lenient"}, {"output_encoding": "latin-1"},
           {"severity_overrides": {"no.such.code": "error"}}, {"layouts_dir": tmp_path / "none"},
           {"scheduler": "tcp://x:8786"}, {"no_such_option": 1}]  # fmt: skip
    for kw in bad:
        with pytest.raises(OptionsError):
            ConvertOptions.of(None, **kw)
    with pytest.raises(OptionsError, match="expected ValidateOptions"):
        ValidateOptions.of(ConvertOptions())  # type: ignore[arg-type]


@pytest.fixture
def my_layouts(tmp_path: Path) -> Path:
    """A folder with one layout of its own: mine.setai (juki.setai under another id)."""
    d = tmp_path / "mine"
    d.mkdir()
    text = (layout_specs_dir() / "juki.setai.yaml").read_text("utf-8")
    (d / "mine.setai.yaml").write_text(text.replace("id: juki.setai", "id: mine.setai", 1), "utf-8")
    return d


def _header_only(tmp_path: Path) -> Path:
    from chukan_layout.spec.registry import load_layout

    names = [it.name for it in load_layout("juki.setai").spec.items]
    p = tmp_path / "mine.csv"
    p.write_text(",".join(names) + "\r\n", "utf-8")
    return p


def test_layouts_dir_is_searched_for_the_run_only(my_layouts: Path, tmp_path: Path) -> None:
    csv = _header_only(tmp_path)
    # a header-only file is file.no_data (an error since issue 14): a warning here, the layout is the point
    res = validate_files([csv], layout="mine.setai", layouts_dir=my_layouts,
                         severity_overrides={"file.no_data": "warning"})  # fmt: skip
    assert res.files[0].layout_id == "mine.setai" and res.exit_code == 0
    assert "mine.setai" not in layout_ids()  # unregistered after the run
    with pytest.raises(UnknownLayoutError):
        validate_files([csv], layout="mine.setai")


def test_layouts_option_on_the_commands(my_layouts: Path, tmp_path: Path) -> None:
    csv = _header_only(tmp_path)
    args = ["validate", "--layout", "mine.setai", str(csv), "-o", str(tmp_path / "rep")]
    r = CliRunner().invoke(main, [*args, "--layouts", str(my_layouts), "--severity", "file.no_data=warning"])
    assert r.exit_code == 0, r.output
    assert "(mine.setai)" in r.output
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and "unknown layout 'mine.setai'" in r.output
    for cmd in (["convert"], ["gaiji", "scan"]):
        assert "--layouts DIRECTORY" in CliRunner().invoke(main, [*cmd, "--help"]).output
