"""validation._code_sets: the duplicates of a bucket of (code, position) pairs and the probes found
among targets, each equal to its plain definition (a three-key sort, a Python set)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.validation import hashing
from chukan_layout.validation._code_sets import codes_of, contained, duplicate_pairs, same_as_previous
from chukan_layout.validation.store import PAIR


def _duplicate_pairs_reference(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The plain definition: one three-key sort of every pair, the runs of a code kept."""
    sp = pairs[np.lexsort((pairs["pos"], pairs["lo"], pairs["hi"]))]
    same = same_as_previous(sp["hi"], sp["lo"])
    keep = np.zeros(sp.size, dtype=bool)
    keep[1:] |= same
    keep[:-1] |= same
    return codes_of(sp[keep]), sp["pos"][keep]


@settings(max_examples=200, deadline=None)
@given(
    his=st.lists(st.integers(0, 5), max_size=60),
    los=st.lists(st.integers(0, 2), max_size=60),
    wide=st.booleans(),
    in_order=st.booleans(),
)
def test_duplicate_pairs_equals_the_three_key_sort(
    his: list[int], los: list[int], wide: bool, in_order: bool
) -> None:
    """Codes that share ``hi`` but not ``lo`` (a 64-bit half colliding) are no duplicates; codes that
    repeat are listed by code, then position — as the sort of every pair by all three keys lists them.
    ``in_order``: the pairs sorted by code first, as a file sorted by its key gives them (the shortcut)."""
    n = min(len(his), len(los))
    pairs = np.zeros(n, PAIR)
    top = np.uint64(1 << 63) if wide else np.uint64(0)  # the hash-code flag bit set, as keys of text carry it
    pairs["hi"] = np.array(his[:n], np.uint64) | top
    pairs["lo"] = np.array(los[:n], np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    pairs["pos"] = np.arange(n, dtype=np.int64)[::-1] * 3
    if in_order:
        pairs = pairs[np.lexsort((pairs["lo"], pairs["hi"]))]
    got, want = duplicate_pairs(pairs), _duplicate_pairs_reference(pairs)
    assert got[0].dtype == want[0].dtype and got[1].dtype == want[1].dtype
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()


def test_duplicates_of_hashed_names_in_file_order() -> None:
    """Hashed text keys (髙橋 and 高橋 differ; 〜 and ～ differ; ﾊﾟ, a PUA 外字): only the repeated
    values are duplicates, listed by code then position, shuffled or not."""
    import pyarrow as pa

    names = ["髙橋", "高橋", "山﨑", "髙橋", "〜", "～", "ﾊﾟﾝ", "\ue000田", "ﾊﾟﾝ"]
    h = hashing.hash_strings(pa.array(names, pa.string()))
    pairs = np.zeros(len(names), PAIR)
    pairs["hi"] = h | np.uint64(1 << 63)  # text keys carry the hash flag
    pairs["lo"] = h * np.uint64(0x9E3779B97F4A7C15)
    pairs["pos"] = np.arange(len(names))
    for order in (np.arange(len(names)), np.array([8, 3, 0, 5, 1, 7, 4, 6, 2])):
        codes, pos = duplicate_pairs(pairs[order])
        assert sorted(names[p] for p in pos.tolist()) == sorted(["髙橋", "髙橋", "ﾊﾟﾝ", "ﾊﾟﾝ"])
        runs = [pos[i : i + 2].tolist() for i in range(0, pos.size, 2)]
        assert sorted(runs) == [[0, 3], [6, 8]]  # each code's positions in order
        assert same_as_previous(codes["hi"], codes["lo"]).tolist() == [True, False, True]
    assert duplicate_pairs(pairs[[0, 1, 2, 4, 5, 6, 7]])[1].size == 0
    assert duplicate_pairs(pairs[:1])[1].size == 0


def _codes(values: list[tuple[int, int]]) -> np.ndarray:
    out = np.zeros(len(values), hashing.CODE)
    if values:
        out["hi"], out["lo"] = zip(*values, strict=True)
    return out


def _contained_by_set(probe: np.ndarray, target: np.ndarray) -> np.ndarray:
    have = set(zip(target["hi"].tolist(), target["lo"].tolist(), strict=True))
    return np.array(
        [(h, x) in have for h, x in zip(probe["hi"].tolist(), probe["lo"].tolist(), strict=True)], bool
    )


# small hi / lo ranges: probes found and not, targets repeated, one high word or several
CODES = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40)), max_size=60)


@settings(max_examples=120, deadline=None)
@given(CODES, CODES, st.booleans())
def test_contained_by_one_high_word_or_three_keys(
    probe: list[tuple[int, int]], target: list[tuple[int, int]], one_hi: bool
) -> None:
    if one_hi:  # exact codes of short digit keys: hi 0 throughout the targets (probes may differ)
        target = [(0, lo) for _, lo in target]
    p, t = _codes(probe), _codes(target)
    assert contained(p, t).tolist() == _contained_by_set(p, t).tolist()


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=40),
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=40),
)
def test_contained_matches_a_python_reference(
    targets: list[tuple[int, int]], probes: list[tuple[int, int]]
) -> None:
    got = contained(_codes(probes), _codes(targets))
    assert got.tolist() == [p in set(targets) for p in probes]


def test_codes_of_copies_the_codes_of_pairs() -> None:
    pairs = np.zeros(3, PAIR)
    pairs["hi"], pairs["lo"], pairs["pos"] = [0, 1 << 63, 0], [7, 8, 7], [5, 6, 9]
    got = codes_of(pairs)
    assert got.dtype == hashing.CODE and got.tolist() == [(0, 7), (1 << 63, 8), (0, 7)]
    got["lo"][0] = 99
    assert pairs["lo"][0] == 7  # a copy
    assert same_as_previous(got["hi"], got["lo"]).tolist() == [False, False]
