"""The bounded finish of the code stores: re-bucketing (CodeStore.refine) never changes a finding.

Duplicate keys and orphans are found with a tiny ``finish_bytes`` (many fine buckets, sources
streamed in small chunks) exactly as with everything in one bucket, and the largest bucket
loaded at finish stays under the limit whatever the number of codes.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.findings import FindingSet
from chukan_layout.validation import hashing
from chukan_layout.validation.keys import KeyIndex
from chukan_layout.validation.refs import ReferenceIndex
from chukan_layout.validation.store import PAIR, CodeStore, partition_of

from .fixtures.layouts import jumin_layout, setai_layout

# digit keys (exact codes) and text keys (hashed, re-read): 外字 in the PUA, 髙/﨑, half-width kana
KEYS = ["1", "2", "3", "10", "01", "0000012343", "髙橋", "山﨑", "ﾊﾝｶｸﾞ", "\ue000田", "〜", "～"]


def batch(cols: dict[str, list[str]], records: list[int]) -> pa.RecordBatch:
    data: dict[str, pa.Array] = {k: pa.array(v, pa.string()) for k, v in cols.items()}
    data["_record"] = pa.array(records, pa.int64())
    return pa.RecordBatch.from_pydict(data)


def everything(fs: FindingSet) -> tuple[dict, dict]:
    """Counts and every sample (record, masked value, detail) of a set."""
    return dict(fs.counts), {k: [(s.record, s.value, s.detail) for s in v] for k, v in fs.samples.items()}


def run_keys(files: list[list[str]], batch_size: int, budget: int, finish_bytes: int | None,
             reread: bool) -> tuple[FindingSet, int]:  # fmt: skip
    store = CodeStore(partitions=4, memory_budget=budget)
    if finish_bytes is not None:
        store.finish_bytes = finish_bytes
    idx = KeyIndex(["k"], store=store)
    for f, keys in enumerate(files):
        for lo in range(0, len(keys), batch_size):
            part = keys[lo : lo + batch_size]
            idx.add(batch({"k": part}, list(range(lo + 1, lo + 1 + len(part)))), file=f"f{f}")
    fs = FindingSet(max_samples=None)
    n = idx.finish(fs, reread=(lambda name: [batch({"k": files[int(name[1:])]}, list(range(1, len(files[int(name[1:])]) + 1)))])
                   if reread else None)  # fmt: skip
    return fs, n


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(KEYS), max_size=40), min_size=1, max_size=3),
    st.integers(1, 9),
    st.sampled_from([0, 1 << 20]),
    st.sampled_from([1, 24, 72, 240]),
    st.booleans(),
)
def test_duplicates_identical_with_tiny_finish_buckets(
    files: list[list[str]], batch_size: int, budget: int, finish_bytes: int, reread: bool
) -> None:
    whole, n_whole = run_keys(files, batch_size, budget, None, reread)
    tiny, n_tiny = run_keys(files, batch_size, budget, finish_bytes, reread)
    assert n_tiny == n_whole
    assert everything(tiny) == everything(whole)
    # and against a reference: every later occurrence of a key (files in order, then records)
    seen: set[str] = set()
    expected = set()
    for f, keys in enumerate(files):
        for i, k in enumerate(keys, 1):
            if k in seen:
                expected.add((f"f{f}", i, "k", "key.duplicate"))
            seen.add(k)
    assert tiny.records_of("key.duplicate") == expected


def run_refs(targets: list[str], sources: list[str], budget: int, finish_bytes: int | None) -> FindingSet:
    refs = ReferenceIndex([jumin_layout(), setai_layout()], partitions=4, memory_budget=budget)
    if finish_bytes is not None:
        for s in refs.stores():
            s.finish_bytes = finish_bytes
    for lo in range(0, len(sources), 7):
        part = sources[lo : lo + 7]
        refs.add("test.jumin", batch({"setai_no": part}, list(range(lo + 1, lo + 1 + len(part)))), file="j")
    if targets:
        refs.add("test.setai", batch({"setai_no": targets}, list(range(1, len(targets) + 1))), file="s")
    fs = FindingSet(max_samples=None)
    refs.finish(fs)
    return fs


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(KEYS), max_size=40),
    st.lists(st.sampled_from([*KEYS, ""]), max_size=60),
    st.sampled_from([0, 1 << 20]),
    st.sampled_from([1, 24, 72, 240]),
)
def test_orphans_identical_with_tiny_finish_buckets(
    targets: list[str], sources: list[str], budget: int, finish_bytes: int
) -> None:
    tiny = run_refs(targets, sources, budget, finish_bytes)
    assert everything(tiny) == everything(run_refs(targets, sources, budget, None))
    expected = {
        ("j", i, "setai_no", "ref.orphan") for i, s in enumerate(sources, 1) if s and s not in targets
    }
    assert tiny.records_of("ref.orphan") == expected


def random_codes(n: int, seed: int, distinct: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    codes = np.zeros(n, hashing.CODE)
    hi = rng.integers(0, 2**63, size=distinct or n, dtype=np.uint64)
    codes["hi"] = hi if distinct is None else hi[rng.integers(0, distinct, size=n)]
    codes["lo"] = codes["hi"] ^ np.uint64(12345)
    return codes


def test_refine_keeps_every_pair_in_its_fine_bucket(tmp_path) -> None:
    store = CodeStore(partitions=4, memory_budget=1 << 12, spill_dir=tmp_path)  # some spilled, some buffered
    for k in range(10):
        store.append(random_codes(3000, k), np.arange(k * 3000 + 1, (k + 1) * 3000 + 1), "f")
    before = np.sort(np.concatenate([store.partition(p) for p in range(store.partitions)]), order="pos")
    store.finish_bytes = 24 * 500  # 30,000 codes: ≥ 64 buckets of ≤ 500
    store.refine()
    assert store.partitions == 64
    parts = [store.partition(p) for p in range(store.partitions)]
    for p, pairs in enumerate(parts):
        assert (partition_of(pairs, store.bits) == p).all()
        assert (np.diff(pairs["pos"]) > 0).all()  # arrival order kept
        assert pairs.size * PAIR.itemsize <= 1.3 * store.finish_bytes
    after = np.sort(np.concatenate(parts), order="pos")
    assert (after == before).all()
    assert next(store.chunks(5, rows=7)).size <= 7
    store.close()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_finish_bucket_does_not_grow_with_the_codes() -> None:
    """The bucket bits grow with the codes so that one bucket stays ≤ finish_bytes."""
    sizes, bits = [], []
    for n in (100_000, 400_000):
        store = CodeStore(partitions=16, memory_budget=1 << 16)
        store.finish_bytes = 64 << 10
        for lo in range(0, n, 5000):
            store.append(random_codes(5000, lo), np.arange(lo + 1, lo + 5001), "f")
        store.refine()
        sizes.append(max(store.bucket_pairs(p) for p in range(store.partitions)) * PAIR.itemsize)
        bits.append(store.bits)
        assert sizes[-1] <= 1.3 * store.finish_bytes
        store.close()
    assert bits[1] == bits[0] + 2 and sizes[1] <= 1.2 * sizes[0]  # 4× the codes: 4× the buckets


def test_one_repeated_code_stays_one_bucket_and_is_still_found() -> None:
    """No bit separates records sharing one code: refining stops at MAX_BITS, the result is unchanged."""
    store = CodeStore(partitions=4, memory_budget=0)
    store.finish_bytes = 240
    idx = KeyIndex(["k"], store=store)
    idx.add(batch({"k": ["0000012343"] * 50}, list(range(1, 51))), file="f")
    fs = FindingSet(max_samples=None)
    assert idx.finish(fs) == 49
    assert {r for _, r, _, _ in fs.records_of("key.duplicate")} == set(range(2, 51))


def test_batches_of_one_run_of_records_share_one_segment() -> None:
    """A file read in order is one segment whatever its number of batches; a gap starts a new one."""
    store = CodeStore(partitions=4)
    for lo in range(0, 1000, 10):
        store.append(random_codes(10, lo), np.arange(lo + 1, lo + 11), "f")
    assert len(store.segments) == 1
    store.append(random_codes(5, 7), np.arange(1003, 1008), "f")  # records 1001-1002 not in this store
    store.append(random_codes(5, 8), np.arange(1, 6), "g")
    assert len(store.segments) == 3
    files, recs = store.locate(np.array([0, 999, 1000, 1004, 1005]))
    assert files.tolist() == [0, 0, 0, 0, 1] and recs.tolist() == [1, 1000, 1003, 1007, 1]
