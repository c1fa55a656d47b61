"""ValidationRun: item checks per batch, keys and references at the end, across layouts and files."""

from __future__ import annotations

from chukan_layout.validation import ValidationRun, validate_batches
from chukan_layout.validation.compile import CompiledLayout

from .fixtures.records import GOOD, batch_of, with_


def test_run_over_two_layouts(jumin: CompiledLayout, setai: CompiledLayout) -> None:
    run = ValidationRun([jumin, setai])
    rows = [GOOD, with_(rireki_no="2"), with_(setai_no="000009008"), with_(seibetsu="3", rireki_no="3"), GOOD]
    reject = run.check("test.jumin", batch_of(jumin.layout, rows), file="JUMIN.csv")
    assert reject.tolist() == [False, False, False, True, False]
    setai_rows = [{"dantai_code": "131016", "setai_no": "000005673", "setainushi": "高橋　一郎"}]
    assert not run.check("test.setai", batch_of(setai.layout, setai_rows), file="SETAI.csv").any()
    fs = run.finish()
    assert fs.records_of() == {
        ("JUMIN.csv", 4, "seibetsu", "item.code"),
        ("JUMIN.csv", 3, "atena_no+rireki_no", "key.duplicate"),  # rireki 1 again (record 1)
        ("JUMIN.csv", 5, "atena_no+rireki_no", "key.duplicate"),
        ("JUMIN.csv", 3, "setai_no", "ref.orphan"),
    }
    assert run.records == {"JUMIN.csv": 5, "SETAI.csv": 1}


def test_validate_batches_helper(jumin: CompiledLayout) -> None:
    b = batch_of(jumin.layout, [GOOD, with_(kojin_bango="1")])
    fs, rejected = validate_batches([("test.jumin", "a.csv", b)], [jumin])
    assert rejected == {"a.csv": 1}
    assert fs.counts[("item.check_digit", "a.csv", "kojin_bango")] == 1
    assert ("item.length", "a.csv", "kojin_bango") not in fs.counts  # kojin_bango has no length rule


def test_worker_runs_ship_codes_to_the_parent_run(jumin: CompiledLayout, setai: CompiledLayout) -> None:
    """The pipeline's split: workers check and compute codes (no indexes), the parent folds them."""
    from chukan_layout.findings import FindingSet

    rows = [GOOD, with_(rireki_no="2"), with_(setai_no="000009008"), with_(seibetsu="3", rireki_no="3"), GOOD]
    single = ValidationRun([jumin, setai])
    for part in (rows[:3], rows[3:]):
        single.check("test.jumin", batch_of(jumin.layout, part), file="JUMIN.csv")
    parent = ValidationRun([jumin.layout, setai.layout])
    worker = ValidationRun([jumin, setai], index=False)
    assert worker.keys == {} and parent.keys
    for part in (rows[:3], rows[3:]):
        fs = FindingSet()
        b = batch_of(jumin.layout, part)
        mask = worker.check("test.jumin", b, file="JUMIN.csv", findings=fs)
        assert mask.size == len(part) and not worker.findings.counts  # the partition's set got them
        parent.findings.merge(fs)
        parent.add_codes(worker.codes("test.jumin", b), "JUMIN.csv")
    found = parent.finish().records_of()
    assert found == single.finish().records_of()
    assert {c for *_, c in found} == {"item.code", "key.duplicate", "ref.orphan"}
