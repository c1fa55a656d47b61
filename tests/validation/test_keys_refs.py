"""Cross-record and cross-file checks: duplicate keys, orphans, key codes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.findings import FindingSet
from chukan_layout.validation import hashing
from chukan_layout.validation.context import BatchContext
from chukan_layout.validation.keys import KeyIndex
from chukan_layout.validation.refs import ReferenceIndex
from chukan_layout.validation.store import CodeStore

from .fixtures.layouts import jumin_layout, setai_layout


def batch(cols: dict[str, list[str]], records: list[int] | None = None) -> pa.RecordBatch:
    n = len(next(iter(cols.values())))
    data = {k: pa.array(v, pa.string()) for k, v in cols.items()}
    data["_record"] = pa.array(records or list(range(1, n + 1)), pa.int64())
    return pa.RecordBatch.from_pydict(data)


# --- key codes --------------------------------------------------------------------------

key_part = st.one_of(st.text("0123456789", min_size=1, max_size=20), st.text(min_size=1, max_size=6))


@given(st.lists(st.tuples(key_part, key_part), min_size=2, max_size=30))
def test_equal_codes_iff_equal_keys_for_exact_codes(pairs: list[tuple[str, str]]) -> None:
    b = batch({"a": [p[0] for p in pairs], "b": [p[1] for p in pairs]})
    codes, complete = hashing.key_codes(BatchContext(b), ["a", "b"])
    assert complete.all()
    for i in range(len(pairs)):
        for j in range(len(pairs)):
            if pairs[i] == pairs[j]:
                assert codes[i] == codes[j]
            elif hashing.is_exact(codes[i : i + 1])[0] or hashing.is_exact(codes[j : j + 1])[0]:
                assert codes[i] != codes[j]  # exact codes never collide (with anything)
        parts = hashing.decode_exact(codes[i], 2)
        if parts is not None:
            assert tuple(parts) == pairs[i]


def test_composite_codes_are_unambiguous() -> None:
    b = batch({"a": ["12", "1"], "b": ["3", "23"]})
    codes, _ = hashing.key_codes(BatchContext(b), ["a", "b"])
    assert hashing.is_exact(codes).all() and codes[0] != codes[1]


@given(st.lists(st.text(max_size=30), min_size=1, max_size=12), st.integers(0, 11))
def test_hash_of_a_value_does_not_depend_on_its_batch(values: list[str], i: int) -> None:
    """A value's hash is the same alone and beside longer values (a duplicate key in a batch with a
    longer one, e.g. ﾊﾝｶｸﾞ beside 髙橋, was missed: the shorter value got the longer one's words)."""
    i %= len(values)
    alone = hashing.hash_strings(pa.array([values[i]]))
    assert hashing.hash_strings(pa.array(values))[i] == alone[0]


def test_hash_is_stable_across_runs() -> None:
    # fixed expectations: codes must not change between versions/machines (stored indexes, reports)
    h = hashing.hash_strings(pa.array(["山田\x1f1", "", "a" * 40]))
    again = hashing.hash_strings(pa.array(["x", "山田\x1f1", "", "a" * 40]).slice(1))
    assert (h == again).all()
    assert len(set(h.tolist())) == 3
    b = batch({"a": ["0000012343"]})
    code = hashing.key_codes(BatchContext(b), ["a"])[0][0]
    assert (int(code["hi"]), int(code["lo"])) == (0, 10000012343)


def test_long_digit_keys_are_exact_up_to_36_digits() -> None:
    # 宛名番号 of 15 digits + 履歴番号: "1" + "15" + 15 digits + "05" + 5 digits = 25 digits
    atena = ["123456789012345", "123456789012345", "000000000000001", "1" * 31, "1" * 32]
    rireki = ["00001", "00002", "00001", "1", "1"]
    b = batch({"a": atena, "b": rireki})
    codes, _ = hashing.key_codes(BatchContext(b), ["a", "b"])
    # 1 + 2 + 31 + 2 + 1 = 37 digits and more: the last two are hashed
    assert hashing.is_exact(codes).tolist() == [True, True, True, False, False]
    assert [hashing.decode_exact(c, 2) for c in codes[:3]] == [
        [a, r] for a, r in zip(atena[:3], rireki[:3], strict=True)
    ]
    single = batch({"a": ["9" * 35, "9" * 36, "0" * 35]})
    codes, _ = hashing.key_codes(BatchContext(single), ["a"])
    assert hashing.is_exact(codes).tolist() == [True, False, True]
    assert hashing.decode_exact(codes[0], 1) == ["9" * 35] and hashing.decode_exact(codes[2], 1) == ["0" * 35]


def test_duplicate_digit_keys_need_no_reread() -> None:
    idx = KeyIndex.for_layout(jumin_layout())
    idx.add(batch({"atena_no": ["123456789012345"] * 3, "rireki_no": ["00001", "00002", "00001"]}), file="a")

    def reread(file: str) -> list[pa.RecordBatch]:
        raise AssertionError("exact codes need no re-read")

    fs = FindingSet(max_samples=None)
    assert idx.finish(fs, reread=reread) == 1
    assert fs.records_of("key.duplicate") == {("a", 3, "atena_no+rireki_no", "key.duplicate")}


def test_blank_key_parts_are_skipped() -> None:
    b = batch({"a": ["1", "", "1"], "b": ["", "2", "3"]})
    _, complete = hashing.key_codes(BatchContext(b), ["a", "b"])
    assert complete.tolist() == [False, False, True]


# --- duplicate keys ----------------------------------------------------------------------


def test_duplicates_within_and_across_files() -> None:
    idx = KeyIndex.for_layout(jumin_layout())
    idx.add(
        batch({"atena_no": ["0000012343", "0000012343", "0000012343"], "rireki_no": ["1", "2", "1"]}),
        file="a.csv",
    )
    idx.add(
        batch({"atena_no": ["0000012343", "000005673"], "rireki_no": ["2", "1"]}, records=[10, 11]),
        file="b.csv",
    )
    fs = FindingSet(max_samples=None)
    assert idx.finish(fs) == 2
    assert fs.records_of("key.duplicate") == {
        ("a.csv", 3, "atena_no+rireki_no", "key.duplicate"),
        ("b.csv", 10, "atena_no+rireki_no", "key.duplicate"),
    }
    s = fs.samples[("key.duplicate", "a.csv", "atena_no+rireki_no")][0]
    assert s.detail == "same key as record 1"
    assert s.value == "**********+1"  # masked like 宛名番号 (personal_id)
    s = fs.samples[("key.duplicate", "b.csv", "atena_no+rireki_no")][0]
    assert s.detail == "same key as a.csv record 2"


def test_non_consecutive_records_are_located() -> None:
    idx = KeyIndex(["k"])
    idx.add(batch({"k": ["x", "y", "x"]}, records=[7, 3, 5]), file="f")
    fs = FindingSet(max_samples=None)
    idx.finish(fs)
    assert fs.records_of("key.duplicate") == {("f", 7, "k", "key.duplicate")}  # 5 is the first


def test_hash_collision_is_not_a_duplicate_after_reread(monkeypatch) -> None:
    """Force every hashed key onto one code: the exact re-read separates them."""
    real = hashing.hash_strings
    monkeypatch.setattr(
        "chukan_layout.validation.hashing.hash_strings",
        lambda arr, seed=None: np.zeros(len(arr), np.uint64) + np.uint64(42),
    )
    b = batch({"k": ["山田", "佐藤", "山田"]})
    idx, idx2 = KeyIndex(["k"]), KeyIndex(["k"])
    idx.add(b, file="f")
    idx2.add(b, file="f")
    monkeypatch.setattr("chukan_layout.validation.hashing.hash_strings", real)
    fs = FindingSet(max_samples=None)
    assert idx.finish(fs, reread=lambda f: [b]) == 1
    assert fs.records_of("key.duplicate") == {("f", 3, "k", "key.duplicate")}
    fs2 = FindingSet(max_samples=None)  # without re-read the collision shows, and says so
    assert idx2.finish(fs2) == 2
    assert all("hash match" in s.detail for s in fs2.samples[("key.duplicate", "f", "k")])


@given(
    st.lists(st.sampled_from(["1", "2", "3", "10", "01", "山", "ｱ"]), max_size=60),
    st.integers(1, 7),
    st.sampled_from([0, 1 << 20]),
)
def test_duplicates_match_a_python_reference(keys: list[str], batch_size: int, budget: int) -> None:
    idx = KeyIndex(["k"], store=CodeStore(partitions=4, memory_budget=budget))  # budget 0: spill every batch
    for lo in range(0, len(keys), batch_size):
        part = keys[lo : lo + batch_size]
        idx.add(batch({"k": part}, records=list(range(lo + 1, lo + 1 + len(part)))), file="f")
    fs = FindingSet(max_samples=None)
    idx.finish(fs, reread=lambda f: [batch({"k": keys})] if keys else [])
    seen: set[str] = set()
    expected = set()
    for i, k in enumerate(keys, 1):
        if k in seen:
            expected.add(("f", i, "k", "key.duplicate"))
        seen.add(k)
    assert fs.records_of("key.duplicate") == expected


# --- references -------------------------------------------------------------------------


def test_orphans_across_files_any_order() -> None:
    jumin, setai = jumin_layout(), setai_layout()
    refs = ReferenceIndex([jumin, setai])
    refs.add("test.jumin", batch({"setai_no": ["000005673", "000009005", "", "000005673"]}), file="jumin.csv")
    refs.add("test.setai", batch({"setai_no": ["000005673", "000001234"]}), file="setai.csv")
    fs = FindingSet(max_samples=None)
    assert refs.finish(fs) == 1
    assert fs.records_of("ref.orphan") == {("jumin.csv", 2, "setai_no", "ref.orphan")}
    s = fs.samples[("ref.orphan", "jumin.csv", "setai_no")][0]
    assert s.value == "000009005" and "setai_exists" in (s.detail or "")


def test_relation_to_a_layout_not_in_the_run_is_skipped() -> None:
    refs = ReferenceIndex([jumin_layout()])
    refs.add("test.jumin", batch({"setai_no": ["000009005"]}), file="jumin.csv")
    fs = FindingSet()
    assert refs.finish(fs) == 0 and not fs.counts


@given(
    st.lists(st.sampled_from(["1", "2", "3", "01", "山", "ｱ"]), max_size=30),
    st.lists(st.sampled_from(["1", "2", "3", "01", "山", "ｱ", ""]), max_size=30),
    st.sampled_from([0, 1 << 20]),
)
def test_orphans_match_a_python_reference(targets: list[str], sources: list[str], budget: int) -> None:
    jumin, setai = jumin_layout(), setai_layout()
    refs = ReferenceIndex([jumin, setai], partitions=4, memory_budget=budget)
    if sources:
        refs.add("test.jumin", batch({"setai_no": sources}), file="j")
    if targets:
        refs.add("test.setai", batch({"setai_no": targets}), file="s")
    fs = FindingSet(max_samples=None)
    refs.finish(fs)
    expected = {
        ("j", i, "setai_no", "ref.orphan") for i, s in enumerate(sources, 1) if s and s not in targets
    }
    assert fs.records_of("ref.orphan") == expected


def test_spilled_store_cleans_up(tmp_path) -> None:
    store = CodeStore(partitions=2, memory_budget=0, spill_dir=tmp_path)
    idx = KeyIndex(["k"], store=store)
    for lo in range(0, 40, 10):
        idx.add(
            batch({"k": [str(i % 25) for i in range(lo, lo + 10)]}, records=list(range(lo + 1, lo + 11))),
            file="f",
        )
    assert store.disk_bytes() == 40 * 24 and any(tmp_path.iterdir())
    fs = FindingSet(max_samples=None)
    assert idx.finish(fs) == 15
    assert {r for _, r, _, _ in fs.records_of()} == set(range(26, 41))
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


@given(st.lists(st.lists(st.integers(1, 4), min_size=1, max_size=30), min_size=1, max_size=4), st.booleans())
def test_store_locates_records_with_gaps_and_scattered(batches: list[list[int]], shuffle: bool) -> None:
    """Runs of consecutive records (read rejects leave gaps) and scattered numbers map back exactly."""
    store = CodeStore(partitions=2, memory_budget=1 << 20)
    expected: list[tuple[int, int]] = []
    rec = 0
    for k, steps in enumerate(batches):
        recs = np.cumsum(steps) + rec
        rec = int(recs[-1])
        if shuffle:
            recs = recs[::-1].copy()
        codes = np.zeros(recs.size, hashing.CODE)
        store.append(codes, recs, f"f{k % 2}")
        expected += [(k % 2, int(r)) for r in recs]
    files, recs_back = store.locate(np.arange(store.size))
    assert list(zip(files.tolist(), recs_back.tolist(), strict=True)) == expected
    assert store.nbytes() <= 16 * store.size + 64 * len(store.segments) + store.size * 48


def test_stores_of_a_run_share_one_budget() -> None:
    from chukan_layout.validation import ValidationRun
    from chukan_layout.validation.store import share_budget

    run = ValidationRun([jumin_layout(), setai_layout()])
    stores = [k.store for k in run.keys.values()] + run.refs.stores()
    assert len({s.memory_budget for s in stores}) == 1
    share_budget(stores, total=len(stores) << 21)
    assert sum(s.memory_budget for s in stores) == len(stores) << 21
