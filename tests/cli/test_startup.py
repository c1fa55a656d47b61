"""Start-up guards (issue 15: ``convert`` of a 10-record file ≤ 1 s): what each path imports.

No timing here: the modules a command imports are what its start-up costs, and they are stable.
Each check runs a fresh interpreter (``sys.modules`` of this test process says nothing).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Never needed to convert a vendor file: other commands' modules and stages, optional extras,
# and the pyarrow modules that pull in pyarrow.dataset (filesystems, Parquet, S3).
NOT_FOR_CONVERT = (
    "chukan_layout.commands.reconcile",
    "chukan_layout.commands.export",
    "chukan_layout.commands.snapshot",
    "chukan_layout.commands.generate",
    "chukan_layout.commands.specs",
    "chukan_layout.commands.report",
    "chukan_layout.commands.validate",
    "chukan_layout.commands.gaiji",
    "chukan_layout.commands.adapters",
    "chukan_layout.reconciliation",
    "chukan_layout.exporter",
    "chukan_layout.snapshots",
    "chukan_layout.synth",
    "chukan_layout.demo",
    "hypothesis",
    "dask",
    "distributed",
    "openpyxl",
    "python_calamine",
    "pyarrow.dataset",
    "pyarrow.parquet",
    "pyarrow.acero",
)

# Run in the child: the command run in-process, then the modules it imported written as JSON.
CHILD = """
import json, sys

from chukan_layout.cli import main

code = 0
try:
    main(sys.argv[2:], prog_name="chukan-layout")
except SystemExit as e:
    code = e.code
with open(sys.argv[1], "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""


def _modules_of(tmp: Path, args: list[str]) -> tuple[int, set[str]]:
    dump = tmp / "modules.json"
    env = {**os.environ, "CHUKAN_CACHE_DIR": str(tmp / "cache")}
    r = subprocess.run([sys.executable, "-c", CHILD, str(dump), *args], capture_output=True, text=True,
                       env=env, timeout=300)  # fmt: skip
    assert dump.exists(), r.stderr
    data = json.loads(dump.read_text())
    return data["code"], set(data["modules"])


def _imported(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_cli_import_is_light(tmp_path: Path) -> None:
    """``import chukan_layout.cli`` (every command's --help starts here) loads no stage and no numpy."""
    code, modules = _modules_of(tmp_path, ["--version"])
    assert code == 0
    heavy = ("numpy", "pyarrow", "pydantic", "yaml", "chukan_layout.commands", "chukan_layout.pipeline")
    assert _imported(modules, heavy) == []


@pytest.fixture(scope="module")
def ten_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from chukan_layout.synth.generate import generate

    out = tmp_path_factory.mktemp("ten")
    generate(out, vendors="a", residents=10, seed=5)
    return out / "vendor_a"


def test_convert_of_a_small_file_imports_only_what_it_needs(ten_records: Path, tmp_path: Path) -> None:
    """The whole ``convert`` of a small vendor A export — validation, 外字, report — imports no other
    command, stage or extra (cold cache: the most it loads). pandas is not in the list: it is a
    dependency and pyarrow's C++ side imports it on its first array conversion, whoever asks."""
    out = tmp_path / "out"
    code, modules = _modules_of(tmp_path, ["convert", "-a", "vendor_a", str(ten_records / "JUMIN.DAT"),
                                           str(ten_records / "SETAI.DAT"), "--gaiji-table",
                                           str(ten_records / "GAIJI_A.tsv"), "-o", str(out), "--no-progress"])  # fmt: skip
    assert code in (0, 1)  # converted (1: error findings in the data), not a failure (2)
    assert (out / "juki_jumin.csv").is_file() and (out / "report.html").is_file()
    assert "chukan_layout.commands.convert" in modules and "chukan_layout.validation" in modules
    assert _imported(modules, NOT_FOR_CONVERT) == []


def test_a_command_restores_the_collector_thresholds() -> None:
    """Commands run with a larger young generation (fewer collections while the stages import);
    an embedding process gets its own thresholds back."""
    import gc

    from click.testing import CliRunner

    from chukan_layout.cli import main

    before = gc.get_threshold()
    assert CliRunner().invoke(main, ["convert", "--help"]).exit_code == 0
    assert gc.get_threshold() == before
