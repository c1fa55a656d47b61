"""The console script's start and end (issue 15): pyarrow's pandas probes refused during a command,
and the process left with ``os._exit`` once everything is written, flushed and joined.

Each end-to-end check runs a fresh interpreter: what a process imports and how it exits are
properties of the process, not of this test run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from chukan_layout.cli import leave_now

# the console script as installed (``sys.exit(main())``: main called without arguments)
SCRIPT = "import sys; from chukan_layout.cli import main; sys.argv[0] = 'chukan-layout'; sys.exit(main())"


@pytest.fixture(scope="module")
def small_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from chukan_layout.synth.generate import generate

    out = tmp_path_factory.mktemp("small_b")
    generate(out, vendors="b", residents=40, faults=0.2, seed=3)
    return out / "vendor_b"


def _script(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, timeout=300)


def test_the_console_script_keeps_its_output_and_exit_code(small_b: Path, tmp_path: Path) -> None:
    """A convert with findings (exit 0 or 1 as the verdict says), its whole JSON summary on a pipe,
    its files published; then a failing run: exit 2 and its one error line."""
    out = tmp_path / "out"
    r = _script(["convert", "-a", "vendor_b", str(small_b / "jumin.csv"), str(small_b / "setai.csv"),
                 "--gaiji-table", str(small_b / "gaiji_b.tsv"), "-o", str(out), "--json", "--no-progress"])  # fmt: skip
    summary = json.loads(r.stdout)  # complete: flushed before the process left
    verdict = json.loads((out / "report.json").read_text("utf-8"))["verdict"]
    assert r.returncode == (0 if verdict == "PASS" else 1), r.stderr
    assert summary["totals"]["records_in"] > 40
    assert (
        (out / "juki_jumin.csv").is_file()
        and (out / "report.json").is_file()
        and (out / "run.json").is_file()
    )
    assert not list(out.glob(".chukan*"))  # staging, parts and lock gone
    bad = _script(["convert", "-a", "no_such_adapter", str(small_b / "jumin.csv"), "-o", str(tmp_path / "x")])
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr


def test_a_command_never_lets_pyarrow_import_pandas(small_b: Path, tmp_path: Path) -> None:
    """pa.array / pa.scalar in this package's code during a command find no pandas (≈ 0.2 s of a
    convert's serial start); other code's ``__import__("pandas")`` in the same process still imports
    it, and pyarrow then uses it."""
    code = f"""
import sys
from chukan_layout.cli import main, _PandasProbes
try:
    main(["convert", "-a", "vendor_b", {str(small_b / "jumin.csv")!r}, "-o", {str(tmp_path / "o")!r},
          "--no-progress", "-j", "1"], prog_name="chukan-layout")
except SystemExit:
    pass
print("pandas" in sys.modules)
import pyarrow as pa
sys.meta_path.insert(0, _PandasProbes())
pd = __import__("pandas")  # a plugin's import, not pyarrow's probe: imported
print("pandas" in sys.modules)
print(pa.array(pd.Series(["〜", "～"])).to_pylist() == ["〜", "～"])
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.stdout.split()[-3:] == ["False", "True", "True"], r.stderr


def test_leave_now_leaves_the_normal_exit_to_unusual_cases() -> None:
    """A thread still working, or an exit code that is not a number: leave_now returns (no exit)."""
    stop = threading.Event()
    t = threading.Thread(target=stop.wait, daemon=False)
    t.start()
    try:
        leave_now(0)  # a non-daemon thread alive: the interpreter's exit must join it
    finally:
        stop.set()
        t.join()
    leave_now("a message, printed by the normal exit")  # not an int


def test_leave_now_runs_the_atexit_functions_and_keeps_the_code() -> None:
    code = (
        "import atexit, sys\n"
        "from chukan_layout.cli import leave_now\n"
        "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
        "print('外字 〜', end='')\n"  # buffered, no newline: flushed before the exit
        "leave_now(3)\n"
        "print('not reached')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert r.returncode == 3
    assert r.stdout.decode("utf-8") == "外字 〜"
    assert r.stderr.decode() == "atexit ran\n"
