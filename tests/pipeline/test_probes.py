"""The library's convert, like the command line, never imports pandas for pyarrow's own probes
(pipeline._probes); pandas still works for the caller afterwards."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from chukan_layout.synth.generate import generate

_RUN = r"""
import sys
from pathlib import Path
from chukan_layout import pipeline
files = [Path(p) for p in sys.argv[2:]]
res = pipeline.convert("vendor_b", files, sys.argv[1], workers=1)
print("pandas after convert:", "pandas" in sys.modules, res.records_in)
import pyarrow as pa
import importlib.util
if importlib.util.find_spec("pandas") is not None:
    print("to_pandas:", type(pa.table({"氏名": ["髙﨑"]}).to_pandas()).__name__)
"""


def test_a_library_convert_imports_no_pandas_and_pandas_works_after(tmp_path: Path) -> None:
    gen = generate(tmp_path / "town", vendors="b", residents=30, faults=0.0, seed=2)
    files = [str(p) for p in gen.vendor_files["vendor_b"] if p.name in ("jumin.csv", "setai.csv")]
    p = subprocess.run([sys.executable, "-c", _RUN, str(tmp_path / "out"), *files], capture_output=True,
                       text=True, check=True)  # fmt: skip
    assert "pandas after convert: False" in p.stdout
    if importlib.util.find_spec("pandas") is not None:  # (an optional dependency)
        assert "to_pandas: DataFrame" in p.stdout
