"""The duplicate check folded in as codes arrive (CodeStore.rising): a bucket whose codes all
arrived in rising order holds no code twice, so the finish does not read it — and finds the
same duplicates as when it reads every bucket."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.findings import FindingSet
from chukan_layout.validation import hashing
from chukan_layout.validation.keys import KeyIndex
from chukan_layout.validation.store import CodeStore

from .test_store_finish import KEYS, batch, everything


def strictly_rising(pairs: np.ndarray) -> bool:
    hi, lo = pairs["hi"].tolist(), pairs["lo"].tolist()
    return all((a, b) < (c, d) for a, b, c, d in zip(hi, lo, hi[1:], lo[1:], strict=False))


def codes_of(values: list[tuple[int, int]]) -> np.ndarray:
    out = np.zeros(len(values), hashing.CODE)
    if values:
        out["hi"], out["lo"] = zip(*values, strict=True)
    return out


# small hi / lo ranges: repeats, falls and rises within and across batches and buckets
CODES = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40)), max_size=60)


@settings(max_examples=80, deadline=None)
@given(CODES, st.integers(1, 9), st.sampled_from([0, 1 << 20]), st.booleans(), st.integers(1, 3))
def test_rising_is_the_order_the_bucket_holds(
    values: list[tuple[int, int]], size: int, budget: int, sort: bool, more_bits: int
) -> None:
    if sort:  # a file in key order (repeats kept): most buckets rise
        values = sorted(values)
    store = CodeStore(partitions=4, memory_budget=budget)
    store.track_rising = True
    for lo in range(0, len(values), size):
        part = codes_of(values[lo : lo + size])
        store.append(part, np.arange(lo + 1, lo + 1 + part.size), "f")
    for p in range(store.partitions):
        assert store.rising(p) == strictly_rising(store.partition(p))
    # refined, a fine bucket rises where its coarse bucket did; codes appended afterwards are
    # judged against the coarse bucket's last code: a fall may be assumed, never a rise
    before = [store.rising(p) for p in range(store.partitions)]
    store.refine(store.bits + more_bits)
    for p in range(store.partitions):
        assert store.rising(p) == before[p >> more_bits]
        assert not store.rising(p) or strictly_rising(store.partition(p))
    tail = codes_of(values[:5])
    store.append(tail, np.arange(1, 1 + tail.size), "g")
    for p in range(store.partitions):
        assert not store.rising(p) or strictly_rising(store.partition(p))


def run_keys(files: list[list[str]], size: int, budget: int, fold: bool) -> tuple[FindingSet, int]:
    store = CodeStore(partitions=4, memory_budget=budget)
    idx = KeyIndex(["k"], store=store)
    for f, keys in enumerate(files):
        for lo in range(0, len(keys), size):
            part = keys[lo : lo + size]
            idx.add(batch({"k": part}, list(range(lo + 1, lo + 1 + len(part)))), file=f"f{f}")
    if not fold:  # as before the fold: every bucket read and checked at finish
        store._rising[:] = False
    fs = FindingSet(max_samples=None)
    return fs, idx.finish(fs)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(KEYS), max_size=40), min_size=1, max_size=3),
    st.integers(1, 9),
    st.sampled_from([0, 1 << 20]),
    st.booleans(),
)
def test_duplicates_identical_with_the_folded_check(
    files: list[list[str]], size: int, budget: int, sort: bool
) -> None:
    if sort:
        files = [sorted(f, key=lambda k: (len(k), k)) for f in files]  # digit keys rise as numbers
    folded, n_folded = run_keys(files, size, budget, True)
    read, n_read = run_keys(files, size, budget, False)
    assert n_folded == n_read
    assert everything(folded) == everything(read)


def test_untracked_store_never_claims_a_rise() -> None:
    store = CodeStore(partitions=4)  # reference stores: no finish looks for their duplicates
    store.append(codes_of([(0, 1), (0, 2), (0, 3)]), np.arange(1, 4), "f")
    assert not any(store.rising(p) for p in range(store.partitions))
    assert KeyIndex(["k"]).store.track_rising  # a key index's store folds its duplicate check in
