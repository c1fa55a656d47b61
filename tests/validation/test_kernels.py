"""The compiled validation kernels (validation/_kernels.c) against their numpy routes, value for value."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec.model import Charset
from chukan_layout.validation import checks_charset, utf8
from chukan_layout.validation.base import Check
from chukan_layout.validation.context import BatchContext
from tests.kernels import require_kernel

from .kernel_routes import kernels_off


@pytest.fixture(scope="module")
def kernel() -> object:
    """The kernel must be built on CI (its machine has a compiler); elsewhere a machine without a
    C compiler installs the numpy routes only, which the modules marked ``both_routes`` run."""
    return require_kernel("chukan_layout.validation._kernels")


def _both(fn, *args):  # type: ignore[no-untyped-def]
    """``fn(*args)`` with the kernels, then with them off: (kernel's answer, numpy's answer)."""
    got = fn(*args)
    with kernels_off():
        ref = fn(*args)
    return got, ref


# 髙/﨑 (outside JIS X 0208), 〜 vs ～, ﾊﾟ (半角 with its mark), PUA 外字, IVS and SVS selectors (valid
# only right after an ideograph), 𠮷 (astral), 々, controls (C0, DEL, C1), 全角 space, latin, digits
ALPHABET = [
    *"aZ9 -.,ﾊﾟｱﾞ　アァヴ・ー山葛髙﨑〜～々高橋ｶﾅ0123456789",
    "\U00020bb7",
    "\ue000",
    "\uf8ff",
    "\U000e0100",
    "\U000e01ef",
    "\ufe00",
    "\u309a",
    "\x07",
    "\x7f",
    "\x85",
    "é",
    "\U0001f600",
    "葛\U000e0100",  # an ideograph with its selector, as a unit: the context rule both ways
    "﨑\ufe00",
    "𠮷\U000e01ef",
]
texts = st.lists(st.sampled_from(ALPHABET), max_size=8).map("".join)
columns = st.lists(st.one_of(texts, st.none()), min_size=1, max_size=40)
CLASSES = [c for c in Charset if c not in (Charset.ANY, Charset.DIGITS)]


def _array(vals: Sequence[str | None], start: int) -> pa.StringArray:
    """``vals`` as a slice starting at ``start`` of a longer array (offsets not from 0)."""
    return pa.array(["前置き髙"] * start + vals, pa.string()).slice(start)


def _ctx(arr: pa.Array) -> BatchContext:
    return BatchContext(pa.RecordBatch.from_arrays([arr], names=["v"]))


@given(columns, st.sampled_from([Charset.MJ, Charset.MJ, *CLASSES]), st.booleans(), st.integers(0, 3))
def test_charset_rows_equal_the_numpy_route(
    kernel: None, vals: list[str | None], cs: Charset, allow: bool, start: int
) -> None:
    arr = _array(vals, start)
    got, ref = _both(lambda: checks_charset.bad_rows(_ctx(arr), "v", cs, allow))
    assert got.tolist() == ref.tolist()


@given(columns, st.integers(0, 3))
def test_sjis_widths_equal_the_numpy_route(kernel: None, vals: list[str | None], start: int) -> None:
    arr = utf8.as_string_array(_array(vals, start))
    got, ref = _both(utf8.sjis_widths, arr)
    assert got.dtype == ref.dtype == np.int64
    assert got.tolist() == ref.tolist()


def _raw(chunks: list[bytes]) -> pa.StringArray:
    """A string array of raw bytes, unchecked (as a reader's buffers could be)."""
    offsets = np.zeros(len(chunks) + 1, np.int32)
    np.cumsum([len(c) for c in chunks], out=offsets[1:])
    return pa.StringArray.from_buffers(len(chunks), pa.py_buffer(offsets), pa.py_buffer(b"".join(chunks)))


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=20))
def test_sjis_widths_agree_on_any_bytes(kernel: None, chunks: list[bytes]) -> None:
    """Not only UTF-8: the kernel reads each byte as the numpy route does (EF BD/BE xx across values)."""
    arr = _raw(chunks)
    got, ref = _both(utf8.sjis_widths, arr)
    assert got.tolist() == ref.tolist()


@pytest.mark.parametrize(
    "chunks",
    [
        [b"\xff"],  # never UTF-8
        [b"\xc0\x80"],  # overlong NUL
        [b"\xe0\x80\x80"],  # overlong
        [b"\xed\xa0\x80"],  # a surrogate
        [b"\xf4\x90\x80\x80"],  # past U+10FFFF
        [b"\xe5\xb1"],  # truncated
        [b"ok", b"\x80"],  # a stray continuation byte
        [b"\xe5", b"\xb1\xb1"],  # 山 split across two values
    ],
)
def test_charset_rows_refuse_what_the_codec_refuses(kernel: None, chunks: list[bytes]) -> None:
    """Bytes that are not valid UTF-8 value by value: None, and the numpy route decides."""
    arr = _raw(chunks)
    offsets, data = utf8.buffers(arr)
    out = np.empty(len(arr), bool)
    outside = checks_charset._outside_bits(Charset.MJ, False)
    k = checks_charset._kernel
    assert k is not None
    assert (
        k.charset_rows(len(arr), offsets, data, outside, np.zeros(0, bool), np.zeros(0, np.int64), out)
        is None
    )


def test_selectors_are_judged_by_the_character_before_them(kernel: None) -> None:
    vals = [
        "葛\U000e0100",
        "\U000e0100葛",
        "あ\U000e0100",
        "",
        "﨑\ufe00",
        "A\U000e0100",
        "葛\U000e0100\U000e0100",
    ]
    got, ref = _both(lambda: checks_charset.bad_rows(_ctx(_array(vals, 1)), "v", Charset.MJ))
    assert got.tolist() == ref.tolist() == [False, True, True, False, False, True, True]


def test_eras_and_long_columns_cross_the_fast_paths(kernel: None) -> None:
    """Long runs of printable ASCII and of kana/kanji (the kernel's eight-byte and block shortcuts),
    with a bad character at the end of a long value and a C1 control inside a long ASCII run."""
    vals = ["平成31年4月30日" * 9, "昭和64年1月7日" * 9 + "髙", "abcdefgh" * 7 + "\x85" + "xyz", "ﾊﾟﾋﾟﾌﾟ" * 11]
    for cs in (Charset.MJ, Charset.JIS_X0208, Charset.HANKAKU, Charset.ASCII, Charset.CP932):
        got, ref = _both(lambda cs=cs: checks_charset.bad_rows(_ctx(_array(vals, 2)), "v", cs))
        assert got.tolist() == ref.tolist()
    got, ref = _both(utf8.sjis_widths, utf8.as_string_array(_array(vals, 2)))
    assert got.tolist() == ref.tolist()
    assert [got[i] for i in (0, 1, 3)] == [len(vals[i].encode("cp932")) for i in (0, 1, 3)]


def test_bad_buffers_raise_value_error(kernel: None) -> None:
    k = checks_charset._kernel
    assert k is not None
    offsets = np.array([0, 5], np.int32)
    with pytest.raises(ValueError):
        k.sjis_widths(1, offsets, b"abc", np.empty(1, np.int64))  # offsets past the data
    with pytest.raises(ValueError):
        k.charset_rows(
            1, np.array([0, 1], np.int32), b"a", b"\0" * 10, b"", b"", np.empty(1, bool)
        )  # short table
    with pytest.raises(ValueError):
        k.sjis_widths(2, offsets, b"abcde", np.empty(2, np.int64))  # offsets too short for n


# era edges (昭和64年1月7日 / 平成元年1月8日, 平成31年4月30日 / 令和元年5月1日, before 明治), 不詳 parts,
# days the calendar lacks, the wrong shape, non-ASCII digits
DATES = ["", "1989-01-07", "1989-01-08", "2019-04-30", "2019-05-01", "1867-12-31", "1868-01-01", "1935-00-00",
         "1935-04-00", "1935-00-05", "0000-01-01", "2023-02-29", "2024-02-29", "1900-02-29", "2000-02-29",
         "2021-04-31", "2021-13-01", "2021/04/01", "20210401", "２０２１-04-01", "2021-4-1", "2021-04-01 "]  # fmt: skip
date_rows = st.lists(
    st.tuples(st.sampled_from(DATES), st.sampled_from(["", "0", "1", None])), min_size=1, max_size=30
)


@given(date_rows, st.integers(0, 2))
def test_date_rows_equal_the_numpy_route(
    kernel: None, rows: list[tuple[str, str | None]], start: int
) -> None:
    """Every date item of 住民 (nonexistent: keep, 不詳 flags, era_range): same rows fire."""
    from chukan_layout.spec.model import ItemType
    from chukan_layout.spec.registry import load_layout
    from chukan_layout.validation.base import CompileEnv
    from chukan_layout.validation.checks_date import build_date, build_date_nonexistent

    lay = load_layout("juki.jumin").spec
    for item in [it for it in lay.items if it.type is ItemType.DATE]:
        flag = item.partial_date.flag_item if item.partial_date is not None else "unused_flag"
        cols = [_array([v for v, _ in rows], start), _array([f for _, f in rows], start)]
        batch = pa.RecordBatch.from_arrays(cols, names=[item.id, flag])
        checks = [*build_date(item, CompileEnv(lay)), *build_date_nonexistent(item, CompileEnv(lay))]

        def run(checks: list[Check] = checks, batch: pa.RecordBatch = batch) -> list[list[bool]]:
            ctx = BatchContext(batch)  # as in a run: item.date first, item.date_nonexistent on its view
            return [c.fn(ctx).tolist() for c in checks]

        got, ref = _both(run)
        assert got == ref, item.id


@given(st.lists(st.one_of(texts, st.none()), min_size=1, max_size=30), texts, st.integers(0, 2))
def test_equal_rows_equal_arrow(kernel: None, vals: list[str | None], value: str, start: int) -> None:
    """BatchContext.equals: the kernel's byte comparison = Arrow's ``equal`` (nulls read as blank)."""
    vals = [*vals, value]  # at least one row equal
    arr = _array(vals, start)
    got, ref = _both(lambda: _ctx(arr).equals("v", value))
    assert got.tolist() == ref.tolist()
    assert got[-1]
