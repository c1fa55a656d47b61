"""``--allow-outside`` on every command that loads an adapter or an export profile (issue 14 point 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from chukan_layout.adapt.confine import reset_allowed
from chukan_layout.cli import main
from tests.pipeline.test_config_hardening import adapter_reading_outside

COMMANDS = [["convert"], ["gaiji", "scan"], ["reconcile"], ["export"], ["snapshot", "restore"]]


@pytest.mark.parametrize("cmd", COMMANDS, ids=" ".join)
def test_every_adapter_or_profile_command_takes_allow_outside(cmd: list[str]) -> None:
    r = CliRunner().invoke(main, [*cmd, "--help"])
    assert r.exit_code == 0 and "--allow-outside" in r.output


def test_gaiji_scan_adapter_reading_outside_is_refused_unless_allowed(tmp_path: Path) -> None:
    adapter, outside = adapter_reading_outside(tmp_path)
    data = tmp_path / "JUMIN.DAT"
    data.write_bytes(b"")
    args = ["gaiji", "scan", "-a", str(adapter), str(data), "-o", str(tmp_path / "o")]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and "outside the adapter's folder" in r.output and "--allow-outside" in r.output
    try:
        r = CliRunner().invoke(main, [*args, "--allow-outside", str(outside)])
        assert "outside the adapter's folder" not in r.output, r.output
    finally:
        reset_allowed()
