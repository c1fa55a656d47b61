"""``reconcile`` on every executor: 1 process, a pool of 2, and Dask (a real LocalCluster of 2
worker processes, reached by ``--scheduler`` address) write byte-identical outputs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

import chukan_layout as cl
from chukan_layout.cli import main
from chukan_layout.errors import OptionsError
from chukan_layout.synth.generate import GenerateResult

LAYOUTS = ("juki_jumin.csv", "juki_setai.csv", "juminzei_kazei.csv")


def _files(town: GenerateResult, side: str) -> list[Path]:
    d = town.out_dir / side
    out = [d / n for n in LAYOUTS if (d / n).exists()]
    assert len(out) >= 2, out
    return out


def _bytes(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_outputs_are_byte_identical_across_executors_and_workers(
    town: GenerateResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import LocalCluster

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # generated_at: the same in every run
    old, new = _files(town, "golden"), _files(town, "migrated")
    # small buckets: several partitions per layout, so the merge order across tasks matters
    kw = {"unmask": True, "bucket_bytes": 1 << 16}
    one = cl.reconcile(old, new, tmp_path / "one", workers=1, **kw)
    assert max(la.partitions for la in one.report.layouts) >= 4
    assert one.exit_code == 1 and sum(la.changed for la in one.report.layouts) > 0
    two = cl.reconcile(old, new, tmp_path / "two", workers=2, **kw)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster:  # fmt: skip
        dsk = cl.reconcile(old, new, tmp_path / "dask", workers=2, executor="dask",
                           scheduler=cluster.scheduler_address, **kw)  # fmt: skip
    a, b, c = _bytes(tmp_path / "one"), _bytes(tmp_path / "two"), _bytes(tmp_path / "dask")
    assert set(a) == {"reconcile.json", "reconcile.html", "differences.csv"}
    assert a["differences.csv"] == b["differences.csv"] == c["differences.csv"]
    assert b == c  # same worker count: every output byte for byte, the report included
    # one worker vs two: the reports differ only in the recorded worker count
    ja, jb = json.loads(a["reconcile.json"]), json.loads(b["reconcile.json"])
    assert ja["options"].pop("workers") == 1 and jb["options"].pop("workers") == 2 and ja == jb
    assert one.report.layouts == two.report.layouts == dsk.report.layouts


def test_cli_takes_executor_and_scheduler(town: GenerateResult, tmp_path: Path) -> None:
    g = town.out_dir / "golden"
    r = CliRunner().invoke(
        main, ["reconcile", str(g), str(g), "-o", str(tmp_path), "--scheduler", "tcp://x:1"]
    )
    assert r.exit_code == 2 and "executor" in r.output and "Traceback" not in r.output
    with pytest.raises(OptionsError, match="executor must be"):
        cl.reconcile(g, g, None, executor="threads")
