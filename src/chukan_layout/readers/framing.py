"""Framing: cut a byte stream into records (fixed, LF/CRLF, RDW; VB in ``vb.py``), chunk by chunk.

Each framer yields :class:`Chunk`\\ s (:mod:`._chunks`) of at most ``max_records`` records with the
payload start/length of every record inside the chunk's buffer. Fixed-length records (and LF/CRLF
files whose records all have the expected length) come as a *uniform* chunk (``stride``
set), which the decoder reshapes into an ``(n, length)`` matrix without copying. Broken
framing never drops bytes: a truncated last record, trailing garbage or a bad RDW/BDW
becomes a record flagged with a framing problem, carrying its raw bytes. The streamed framers
read ``_BLOCK`` bytes at a time (``vb.py`` too); the plain walk they are tested against,
:func:`walk_records`, is in :mod:`._rdw_walk`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from . import resync
from ._chunks import ByteStream, Chunk, general_chunk, skipped_chunk, uniform_chunk
from ._rdw_walk import walk_records as walk_records  # the plain reference, re-exported
from .definition import Framing

_BLOCK = 1 << 22
_LINE_WINDOW = 1 << 16  # bytes searched for a resync point after a bad line (fixed-length LF/CRLF)


def frame_fixed(f: ByteStream, length: int, max_records: int) -> Iterator[Chunk]:
    """Fixed-length records without separators (FB); a short tail is one framing problem."""
    base = 0
    while True:
        data = f.read(length * max_records)
        if not data:
            return
        n = len(data) // length
        if n:
            yield uniform_chunk(data[: n * length], base, n, length, length)
        tail = len(data) - n * length
        if tail:
            what = "truncated last record" if tail < length else "trailing bytes"
            yield general_chunk(
                data[n * length :],
                base + n * length,
                [0],
                [tail],
                {0: f"{what}: {tail} bytes, records are {length} bytes"},
            )
            return
        base += len(data)


def frame_lines(f: ByteStream, length: int | None, crlf: bool, max_records: int) -> Iterator[Chunk]:
    """LF/CRLF-terminated records. Uniform fast path when every record has ``length`` bytes."""
    term = 2 if crlf else 1
    stride = None if length is None else length + term
    block = max(_BLOCK, (stride or 256) * max_records)
    pending, base, eof, need_more = b"", 0, False, True
    while True:
        if not eof and (need_more or len(pending) < block):
            more = f.read(block)
            eof, need_more = not more, False
            pending += more
        data = pending
        if not data:
            return
        region = len(data)  # where LF splitting may look (all of data, or up to a resync point)
        if stride is not None and length is not None:
            n = min(len(data) // stride, max_records)
            if n:
                # framed by length: a terminator byte pair inside a record (packed 0D0A) is data
                arr = np.frombuffer(data, np.uint8)[: n * stride].reshape(n, stride)
                ok = arr[:, -1] == 0x0A
                if crlf:
                    ok &= arr[:, -2] == 0x0D
                good = n if ok.all() else int(np.argmin(ok))
                if good:
                    yield uniform_chunk(data[: good * stride], base, good, stride, length)
                    pending, base = data[good * stride :], base + good * stride
                    continue
                # the first record is not length + terminator: lines up to the next plausible run
                region = _bad_lines_end(np.frombuffer(data, np.uint8), stride, crlf, eof)
        buf = np.frombuffer(data, np.uint8)
        nl = np.flatnonzero(buf[:region] == 0x0A)[:max_records]
        if len(nl) == 0 and not eof:
            need_more = True
            continue
        starts = np.concatenate([[0], nl[:-1] + 1]).astype(np.int64) if len(nl) else np.zeros(0, np.int64)
        ends = nl.astype(np.int64)
        if crlf and len(nl):
            ends = ends - ((ends > starts) & (buf[np.maximum(ends - 1, 0)] == 0x0D))
        consumed = int(nl[-1]) + 1 if len(nl) else 0
        starts_l, lengths_l = list(starts), list(ends - starts)
        problems: dict[int, str] = {}
        if eof and region == len(data) and len(nl) < max_records and consumed < len(data):  # no terminator
            tail = len(data) - consumed
            starts_l.append(consumed)
            lengths_l.append(tail)
            if length is not None and tail != length:
                problems[len(starts_l) - 1] = (
                    f"truncated last record / trailing bytes: {tail} bytes, no newline"
                )
            consumed = len(data)
        yield general_chunk(data[:consumed], base, starts_l, lengths_l, problems)
        pending, base = data[consumed:], base + consumed


def _bad_lines_end(buf: np.ndarray, stride: int, crlf: bool, eof: bool) -> int:
    """After a line of the wrong length at ``buf[0]`` of a fixed-length LF/CRLF file: where the
    lines to split on LF end — the first line start from which ``resync.K`` records of ``stride``
    bytes each end with the terminator (fewer when they end exactly at the end of the file), or
    the first line start not decidable yet (its records are not read), or, when no line start in
    the first ``_LINE_WINDOW`` bytes qualifies, the last of them (``len(buf)`` when none)."""
    n = len(buf)
    window = max(_LINE_WINDOW, 4 * stride)
    cand = np.flatnonzero(buf[: min(n - 1, window)] == 0x0A).astype(np.int64) + 1
    if not len(cand):
        return n
    alive = np.ones(len(cand), bool)
    done = np.zeros(len(cand), bool)
    und = np.zeros(len(cand), bool)
    for j in range(resync.K):
        start = cand + j * stride
        act = alive & ~done & ~und
        at_end = act & (start == n)
        if eof:
            done |= at_end & (j > 0)
        else:
            und |= at_end
        act &= ~at_end
        past = act & (start + stride > n)
        if eof:
            alive &= ~past
        else:
            und |= past
        act &= ~past
        last = np.where(act, start + stride - 1, 0)
        term = buf[last] == 0x0A
        if crlf:
            term &= buf[np.maximum(last - 1, 0)] == 0x0D
        alive &= ~act | term
    done |= alive & ~und
    hit = np.flatnonzero(done | und)
    if len(hit):
        return int(cand[hit[0]])
    return n if window >= n - 1 else int(cand[-1])


def _uniform_rdw_run(data: bytes, max_records: int) -> tuple[int, int]:
    """(records, length): how many records from the start of ``data`` carry the same RDW as the
    first one and lie back to back (a numpy pass over every would-be RDW), and that length."""
    if len(data) < 4 or data[2:4] != b"\0\0":
        return 0, 0
    length = int.from_bytes(data[:2], "big")
    k = min(len(data) // length, max_records) if length >= 4 else 0
    if k == 0:
        return 0, length
    arr = np.frombuffer(data, np.uint8, count=k * length).reshape(k, length)
    ok = (arr[:, 0] == data[0]) & (arr[:, 1] == data[1]) & (arr[:, 2] == 0) & (arr[:, 3] == 0)
    return (k if ok.all() else int(np.argmin(ok))), length


def frame_rdw(f: ByteStream, blocked: bool, max_records: int) -> Iterator[Chunk]:
    """z/OS variable records: RDW (length incl. itself, 2 zero bytes); VB adds a BDW per block."""
    if blocked:
        from .vb import frame_vb

        return frame_vb(f, max_records)
    return _frame_rdw_stream(f, max_records)


def _frame_rdw_stream(f: ByteStream, max_records: int) -> Iterator[Chunk]:
    """RDW records, streamed block by block. Runs of equal-length records (the usual case: one
    record length per file) become uniform chunks found in one numpy pass; anything else is
    walked record by record. Broken framing ends the file with one flagged record, as in VB."""
    data, base, eof = b"", 0, False
    need_more = True
    while True:
        if not eof and (need_more or len(data) < _BLOCK):
            more = f.read(max(_BLOCK, len(data)))
            eof, need_more = not more, False
            data += more
        if not data:
            return
        run, length = _uniform_rdw_run(data, max_records)
        if run >= min(64, max_records) or (run and eof and run * length == len(data)):
            # payload i starts at 4 + i*length: a view from byte 4 with stride = record length
            buf = np.frombuffer(data, np.uint8, count=run * length)[4:]
            yield Chunk(
                buf,
                base + 4,
                np.arange(run, dtype=np.int64) * length,
                np.full(run, length - 4, np.int64),
                length,
            )
            data, base = data[run * length :], base + run * length
            continue
        starts: list[int] = []
        lengths: list[int] = []
        pos, problem, short = 0, "", False
        view = memoryview(data)
        while pos < len(data) and len(starts) < max_records:
            left = len(data) - pos
            if left < 4:
                problem, short = f"truncated RDW ({left} bytes)", True
                break
            rlen = int.from_bytes(view[pos : pos + 2], "big")
            if view[pos + 2 : pos + 4] != b"\0\0" or rlen < 4:
                problem = f"bad RDW {view[pos : pos + 4].hex()}"
                break
            if rlen > left:
                problem, short = f"truncated record: RDW says {rlen} bytes, {left} left", True
                break
            starts.append(pos + 4)
            lengths.append(rlen - 4)
            pos += rlen
        del view
        if starts:
            yield general_chunk(data[:pos], base, starts, lengths)
        if problem and short and not eof:  # maybe only the end of the buffer: read on before judging
            need_more = not starts
            data, base = data[pos:], base + pos
            continue
        if problem:
            sk, data, base, eof, resumed = skip_stream(f, data, base, pos, problem, eof, rdw_finder)
            yield skipped_chunk(sk, resync.CHAIN if resumed else resync.FILE_END)
            if not resumed:
                return
            continue
        data, base = data[pos:], base + pos


def rdw_finder(data: bytes, start: int, eof: bool) -> tuple[int | None, int]:
    """``resync.rdw_chain`` over the bytes read so far (their end is the file's end at EOF)."""
    return resync.rdw_chain(np.frombuffer(data, np.uint8), start, len(data), len(data), eof)


def skip_stream(
    f: ByteStream,
    data: bytes,
    base: int,
    pos: int,
    problem: str,
    eof: bool,
    finder: Callable[[bytes, int, bool], tuple[int | None, int]],
) -> tuple[resync.Skipped, bytes, int, bool, bool]:
    """Skip from the damage at ``data[pos]`` to the next plausible chain (``finder``), reading on
    as needed; only bytes still undecided are held. Returns (the skipped stretch, the buffer from
    the chain on, its file offset, eof, whether a chain was found)."""
    sk = resync.Skipped(base + pos, problem)
    search = pos + 1
    while True:
        q, settled = finder(data, search, eof)
        if q is not None:
            sk.add(memoryview(data)[pos:q])
            return sk, data[q:], base + q, eof, True
        if eof:
            sk.add(memoryview(data)[pos:])
            return sk, b"", base + len(data), eof, False
        sk.add(memoryview(data)[pos:settled])
        data, base, pos, search = data[settled:], base + settled, 0, 0
        more = f.read(_BLOCK)
        eof = not more
        data += more


def frame(f: ByteStream, framing: Framing, length: int | None, max_records: int) -> Iterator[Chunk]:
    """Dispatch to the framer; ``length`` is the record length when all types share one."""
    if framing is Framing.FIXED:
        if length is None:
            raise ValueError("fixed framing needs one record length")
        return frame_fixed(f, length, max_records)
    if framing in (Framing.LF, Framing.CRLF):
        return frame_lines(f, length, framing is Framing.CRLF, max_records)
    return frame_rdw(f, framing is Framing.VB, max_records)
