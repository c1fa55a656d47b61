"""Rows placed straight into their output by the worker (pipeline._place): the ledger the parent
publishes offsets in, a partition's rows placed, held or spilled to its part file, and an output of
placed, copied and void parts that is byte for byte the plain concatenation."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import deque
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout import pipeline
from chukan_layout.errors import OutputError
from chukan_layout.pipeline import _concat, _merge, _place
from chukan_layout.pipeline._concat import Concat
from chukan_layout.pipeline._place import _SLOTS, Ledger, PlacedFile, Placement
from chukan_layout.synth.generate import GenerateResult, generate

HEAD = '"氏名","住所"\r\n'.encode()
ROW = '"髙﨑 太郎","東京都〜ﾊﾝｶｸﾞ"\r\n'.encode()


def test_the_ledger_gives_an_offset_only_for_the_partition_it_was_published_for() -> None:
    led = Ledger(["juki.jumin", "juki.setai"])
    assert led.start("juki.jumin", 0) is None
    led.publish(0, {"juki.jumin": 17, "juki.setai": 5})
    led.publish(1, {"juki.jumin": 1 << 33})
    assert led.start("juki.jumin", 0) == 17 and led.start("juki.setai", 0) == 5
    assert led.start("juki.jumin", 1) == 1 << 33 and led.start("juki.setai", 1) is None
    assert led.start("juki.jumin", _SLOTS) is None  # the same slot of the ring, another partition
    assert led.start("other.layout", 0) is None
    led.publish(2, {"juki.jumin": 1 << 41})  # past what a word holds: not published
    assert led.start("juki.jumin", 2) is None


def _placement(c: Concat, hold: int | None = None) -> Placement:
    return Placement(Ledger(["L"]), {"L": str(c.temp_path)}, hold)


def test_rows_go_into_the_output_once_the_offset_is_known_and_to_the_part_file_otherwise(
    tmp_path: Path,
) -> None:
    c = Concat(tmp_path / "out.csv", HEAD, remove_parts=True)
    pl = _placement(c)
    pl.ledger.publish(0, {"L": c.end()})
    early = PlacedFile(pl, "L", 0, tmp_path / "p0")
    early.open()
    early.write(ROW * 3)
    early.close()
    assert (early.offset, early.spilled) == (len(HEAD), False) and not (tmp_path / "p0").exists()
    c.add_placed(early.offset, early.bytes_written)
    late = PlacedFile(pl, "L", 1, tmp_path / "p1")  # held until its offset is published
    late.open()
    late.write(ROW)
    assert late.offset is None and not late.spilled
    pl.ledger.publish(1, {"L": c.end()})
    late.write(memoryview(ROW * 2))
    late.close()
    assert late.offset == len(HEAD) + 3 * len(ROW) and not late.spilled
    c.add_placed(late.offset, late.bytes_written)
    never = PlacedFile(pl, "L", 2, tmp_path / "p2")  # never published: the part file
    never.open()
    never.write(ROW * 2)
    never.close()
    assert never.spilled and (tmp_path / "p2").read_bytes() == ROW * 2
    c.add(str(tmp_path / "p2"))
    c.commit()
    want = HEAD + ROW * 8
    assert (tmp_path / "out.csv").read_bytes() == want and c.sha256 == hashlib.sha256(want).hexdigest()


def test_rows_held_past_the_limit_go_to_the_part_file_and_stay_there(tmp_path: Path) -> None:
    c = Concat(tmp_path / "out.csv", HEAD, remove_parts=True)
    pl = _placement(c, hold=2 * len(ROW))
    f = PlacedFile(pl, "L", 0, tmp_path / "p0")
    f.open()
    f.write(ROW)
    f.write(ROW)  # at the limit: spilled
    pl.ledger.publish(0, {"L": c.end()})
    f.write(ROW)
    f.close()
    assert f.spilled and (tmp_path / "p0").read_bytes() == ROW * 3
    c.abort()


def test_a_worker_never_creates_an_output_the_run_abandoned(tmp_path: Path) -> None:
    c = Concat(tmp_path / "out.csv", HEAD, remove_parts=True)
    pl = _placement(c)
    pl.ledger.publish(0, {"L": c.end()})
    c.abort()  # the run failed: its temporary output is gone
    f = PlacedFile(pl, "L", 0, tmp_path / "p0")
    f.open()
    f.write(ROW)
    f.abort()
    assert list(tmp_path.iterdir()) == []


def test_a_placed_part_that_is_not_where_the_output_ends_fails_the_run(tmp_path: Path) -> None:
    c = Concat(tmp_path / "out.csv", HEAD, remove_parts=True)
    c.end()
    with pytest.raises(OutputError, match="placed at 3"):
        c.add_placed(3, 10)
    with pytest.raises(OutputError, match="ends before them"):
        c.add_placed(len(HEAD), 10)  # nothing was written there
    c.abort()
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=25, deadline=None)
@given(
    parts=st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from(["early", "late", "never"]), st.booleans()), max_size=10
    ),
    every=st.integers(1, 300),
)
def test_placed_copied_and_void_parts_make_the_plain_concatenation(
    tmp_path_factory: pytest.TempPathFactory, parts: list[tuple[int, str, bool]], every: int
) -> None:
    """The parent's protocol in one process: partition i's offset published after i − 1 was merged
    or dropped (``early``), while i writes (``late``) or never (its part file is copied); a void
    partition's rows are written where the next merged part goes, which overwrites them (or they
    are cut off at the end)."""
    tmp = tmp_path_factory.mktemp("p")
    old, _concat.SYNC_BYTES = _concat.SYNC_BYTES, every
    wait, _place.WAIT = _place.WAIT, 0.0  # (one process: nobody publishes while a part waits)
    try:
        c = Concat(tmp / "out.csv", HEAD, remove_parts=True)
        pl = _placement(c)
        want = HEAD
        for i, (rows, mode, void) in enumerate(parts):
            if mode == "early":
                pl.ledger.publish(i, {"L": c.end()})
            f = PlacedFile(pl, "L", i, tmp / f"p{i}")
            f.open()
            f.write(ROW * rows)
            if mode == "late":
                pl.ledger.publish(i, {"L": c.end()})
            f.write(b"x" * rows if void else ROW * rows)  # a void part's bytes are never merged
            f.close()
            if void:
                if f.spilled:
                    f.part.unlink()
                continue
            if f.spilled:
                c.add(str(f.part))
            else:
                assert f.offset is not None or f.bytes_written == 0
                c.add_placed(f.offset if f.offset is not None else -1, f.bytes_written)
            want += ROW * (2 * rows)
        c.sync()
        c.commit()
    finally:
        _concat.SYNC_BYTES, _place.WAIT = old, wait
    assert (tmp / "out.csv").read_bytes() == want
    assert c.sha256 == hashlib.sha256(want).hexdigest() and c.size == len(want)
    assert sorted(q.name for q in tmp.iterdir()) == ["out.csv"]


@pytest.fixture(scope="module")
def vendor_b(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("b"), vendors="b", residents=300, faults=0.03, seed=7)


def test_a_run_with_placed_rows_gives_the_outputs_of_one_partition(
    vendor_b: GenerateResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    placed: list[int] = []
    add = _merge.RunMerger.add
    monkeypatch.setattr(
        _merge.RunMerger,
        "add",
        lambda self, part, res, acc: placed.append(len(res.placed)) or add(self, part, res, acc),
    )
    table = vendor_b.gaiji_tables["vendor_b"]
    files = sorted(p for p in vendor_b.vendor_files["vendor_b"] if p.name in ("jumin.csv", "setai.csv"))
    opts = pipeline.ConvertOptions(gaiji_tables=(str(table),))
    whole = pipeline.convert(
        "vendor_b", files, tmp_path / "whole", opts.replace(workers=1, partition_bytes=1 << 30)
    )
    placed.clear()
    one = pipeline.convert(
        "vendor_b", files, tmp_path / "one", opts.replace(workers=1, partition_bytes=1 << 13)
    )
    assert len(placed) > 4 and all(placed)  # one worker: every partition's rows placed
    two = pipeline.convert(
        "vendor_b", files, tmp_path / "two", opts.replace(workers=2, partition_bytes=1 << 13)
    )
    for res in (one, two):
        for o in whole.outputs.values():
            name = Path(o.path).name
            assert (tmp_path / "whole" / name).read_bytes() == (Path(res.out_dir) / name).read_bytes(), name
        assert whole.report.accounting == res.report.accounting
        assert [(o.sha256, o.size) for o in whole.report.outputs] == [
            (o.sha256, o.size) for o in res.report.outputs
        ]
        assert not list(Path(res.out_dir).glob(".*"))  # no temporary output, no parts folder left


def test_held_results_publish_the_next_range_of_their_file_only(
    vendor_b: GenerateResult, tmp_path: Path
) -> None:
    """While a CSV file's scan goes on its results are held: the next range of that file learns where
    its rows go (after the held ones, placed or in part files); a whole-file partition never does."""
    from chukan_layout.adapt.loader import load_adapter
    from chukan_layout.pipeline._convert_merge import place_after
    from chukan_layout.pipeline._convert_plan import ConvertPlan
    from chukan_layout.pipeline._worker_state import PartResult

    ad = load_adapter("vendor_b")
    jumin = next(p for p in vendor_b.vendor_files["vendor_b"] if p.name == "jumin.csv")
    triples = [(s.id, p, s.definition) for s in ad.data_sources() for p in ad.assign([jumin])[s.id]]
    plan = ConvertPlan(triples, partition_bytes=1 << 13, columns_of=lambda s, p: ["c"])
    it = iter(plan)
    first, second, third = next(it), next(it), next(it)  # made by the scan, in this thread
    part = tmp_path / "p1.csv"
    part.write_bytes(ROW * 2)
    held = deque([PartResult(first.index, first.file, first.source, placed={"L": (10, 100)}),
                  PartResult(second.index, second.file, second.source, parts={"L": str(part)})])  # fmt: skip
    pl = Placement(Ledger(["L"]), {"L": str(tmp_path / "out")})
    place_after(held, pl, plan, {"L": 10})
    assert pl.ledger.start("L", third.index) == 10 + 100 + 2 * len(ROW)
    whole = dataclasses.replace(third, index=third.index + 1, start=0, end=None)
    plan._add(whole)  # the whole-file partition after a refusal: its offset waits for the void results
    held.append(PartResult(third.index, third.file, third.source, placed={"L": (10 + 100 + 2 * len(ROW), 5)}))
    place_after(held, pl, plan, {"L": 10})
    assert pl.ledger.start("L", whole.index) is None
