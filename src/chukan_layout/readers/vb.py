"""VB framing (z/OS variable blocked: a BDW per block, an RDW per record), streamed and vectorized.

The file is read block by block (``framing._BLOCK`` bytes at a time, more when one BDW block is
larger). In each buffer:

1. the BDW chain is walked in Python — one step per *block* (a block holds many records: a
   32 KiB block of 200-byte records is ~160 of them), never per record;
2. the records of every complete block are found at once: a block whose first RDW length
   ``L`` divides its record area is assumed to hold equal records at ``L`` steps, and every
   assumed RDW is then checked in one numpy pass; blocks that fail (mixed lengths, damage) are
   walked record by record (``framing.walk_records`` semantics);
3. runs of equal-length records (the usual case) are *compacted*: their bytes are joined
   without the BDWs, so the decoder gets a strided ``(n, L)`` view as for RDW files; each
   record's file offset is kept in ``Chunk.offsets``. Anything else becomes a general chunk.

Broken framing gives exactly the records and skipped stretches of the plain walk
(``framing.walk_records``): a bad BDW is skipped to the next plausible chain of blocks, a bad
RDW inside a block to the next plausible RDW chain in that block or to its end (``resync``);
each skipped stretch is one flagged record carrying a preview, its size and SHA-256.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from . import framing as fr
from . import resync
from .resync import bdw_length

_MIN_RUN = 64  # shorter runs of equal records go into a general chunk (no copy)


def _walk_block(data: bytes, lo: int, hi: int) -> tuple[list[int], list[int], int, str]:
    """RDW walk of one block's record area ``[lo, hi)``: (RDW positions, record lengths incl. RDW,
    position of a problem, problem) — problem "" when the area is framed to its end."""
    pos: list[int] = []
    lens: list[int] = []
    p = lo
    while p < hi:
        if hi - p < 4:
            return pos, lens, p, f"truncated RDW ({hi - p} bytes)"
        rlen = int.from_bytes(data[p : p + 2], "big")
        if data[p + 2 : p + 4] != b"\0\0" or rlen < 4:
            return pos, lens, p, f"bad RDW {data[p : p + 4].hex()}"
        if p + rlen > hi:
            return pos, lens, p, f"truncated record: RDW says {rlen} bytes, {hi - p} left"
        pos.append(p)
        lens.append(rlen)
        p += rlen
    return pos, lens, hi, ""


def block_records(
    data: bytes, buf: np.ndarray, blocks: list[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, int, str]:
    """(RDW positions, lengths incl. RDW) of the records of complete ``blocks`` (start, length),
    in file order, up to the first RDW problem (its position and text; "" = none)."""
    if not blocks:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), 0, ""
    b = np.array(blocks, np.int64)
    lo, size = b[:, 0] + 4, b[:, 1] - 4
    has = size >= 4
    first = np.where(has, lo, 0)
    rlen = buf[first].astype(np.int64) * 256 + buf[first + 1]
    ok = has & (rlen >= 4) & (buf[first + 2] == 0) & (buf[first + 3] == 0)
    rlen = np.where(ok, rlen, 1)
    ok &= size % rlen == 0
    count = np.where(ok, size // rlen, 0)
    total = int(count.sum())
    blk = np.repeat(np.arange(len(b)), count)
    step = np.repeat(rlen, count)
    pos = np.repeat(lo, count) + (np.arange(total) - np.repeat(np.cumsum(count) - count, count)) * step
    match = (
        (buf[pos].astype(np.int64) * 256 + buf[pos + 1] == step) & (buf[pos + 2] == 0) & (buf[pos + 3] == 0)
    )
    if not match.all():
        ok &= np.bincount(blk[~match], minlength=len(b)) == 0
    ok |= size == 0  # an empty block (BDW 4) holds no records
    if ok.all():
        return pos, step, 0, ""
    # some blocks need the walk: assemble block by block, in file order, up to the first problem
    pos_parts, len_parts = [], []
    starts = np.concatenate([[0], np.cumsum(count)])
    for k in range(len(b)):
        if ok[k]:
            pos_parts.append(pos[starts[k] : starts[k + 1]])
            len_parts.append(step[starts[k] : starts[k + 1]])
            continue
        p, ln, at, problem = _walk_block(data, int(lo[k]), int(lo[k] + size[k]))
        pos_parts.append(np.array(p, np.int64))
        len_parts.append(np.array(ln, np.int64))
        if problem:
            return np.concatenate(pos_parts), np.concatenate(len_parts), at, problem
    return np.concatenate(pos_parts), np.concatenate(len_parts), 0, ""


def _chunks(
    data: bytes, buf: np.ndarray, base: int, pos: np.ndarray, lens: np.ndarray, max_records: int
) -> Iterator[fr.Chunk]:
    """Chunks of at most ``max_records``: runs of >= _MIN_RUN equal records compacted (strided)."""
    n = len(pos)
    if not n:
        return
    edges = np.flatnonzero(np.diff(lens)) + 1
    run_lo = np.concatenate([[0], edges])
    run_hi = np.concatenate([edges, [n]])
    general_from = None
    for a, z in zip(run_lo.tolist(), run_hi.tolist(), strict=True):
        if z - a < _MIN_RUN:
            general_from = a if general_from is None else general_from
            continue
        if general_from is not None:
            yield from _general(buf, base, pos, lens, general_from, a, max_records)
            general_from = None
        length = int(lens[a])
        for i in range(a, z, max_records):
            j = min(i + max_records, z)
            yield _compacted(data, base, pos[i:j], length)
    if general_from is not None:
        yield from _general(buf, base, pos, lens, general_from, n, max_records)


def _general(
    buf: np.ndarray, base: int, pos: np.ndarray, lens: np.ndarray, a: int, z: int, max_records: int
) -> Iterator[fr.Chunk]:
    for i in range(a, z, max_records):
        j = min(i + max_records, z)
        yield fr.Chunk(buf, base, pos[i:j] + 4, lens[i:j] - 4)


def _compacted(data: bytes, base: int, pos: np.ndarray, length: int) -> fr.Chunk:
    """Equal records joined without the BDWs between them: payload i at ``4 + i * length``."""
    n = len(pos)
    # contiguous stretches (records back to back inside one block) are copied in one slice each
    breaks = np.flatnonzero(np.diff(pos) != length) + 1
    lo = np.concatenate([[0], breaks])
    hi = np.concatenate([breaks, [n]])
    mv = memoryview(data)
    joined = b"".join(
        mv[int(pos[a]) : int(pos[z - 1]) + length] for a, z in zip(lo.tolist(), hi.tolist(), strict=True)
    )
    buf = np.frombuffer(joined, np.uint8)[4:]
    return fr.Chunk(
        buf,
        base,
        np.arange(n, dtype=np.int64) * length,
        np.full(n, length - 4, np.int64),
        length,
        offsets=base + pos + 4,
    )


def frame_vb(f: fr.ByteStream, max_records: int) -> Iterator[fr.Chunk]:
    """VB records, streamed (see the module docstring)."""
    data, base, eof = b"", 0, False
    want = fr._BLOCK
    while True:
        if not eof and len(data) < want:
            more = f.read(max(fr._BLOCK, want - len(data)))
            eof = not more
            data += more
            continue
        if not data:
            return
        # 1. the BDW chain over the complete blocks of this buffer
        blocks: list[tuple[int, int]] = []
        pos, problem = 0, ""
        while pos < len(data):
            if len(data) - pos < 4:
                problem = "" if not eof else f"truncated BDW ({len(data) - pos} bytes)"
                break
            blen = bdw_length(data, pos)
            if blen is None:
                problem = f"bad BDW {data[pos : pos + 4].hex()}"
                break
            if pos + blen > len(data):
                problem = "" if not eof else f"truncated block: BDW says {blen} bytes, {len(data) - pos} left"
                break
            blocks.append((pos, blen))
            pos += blen
        # 2. the records of those blocks; an RDW problem comes before any BDW problem after it
        buf = np.frombuffer(data, np.uint8)
        rpos, rlens, at, rproblem = block_records(data, buf, blocks)
        yield from _chunks(data, buf, base, rpos, rlens, max_records)
        if rproblem:  # skip inside its block, then go on with the next block
            start, blen = next(b for b in reversed(blocks) if b[0] <= at)
            yield from _resync_in_block(data, buf, base, at, rproblem, start + blen, max_records)
            data, base, want = data[start + blen :], base + start + blen, fr._BLOCK
            continue
        if problem:  # a bad BDW: skip to the next plausible chain of blocks
            sk, data, base, eof, resumed = fr.skip_stream(f, data, base, pos, problem, eof, _block_finder)
            yield fr.skipped_chunk(sk, resync.CHAIN if resumed else resync.FILE_END)
            if not resumed:
                return
            want = fr._BLOCK
            continue
        if not blocks and not eof:  # one block larger than the buffer: read until it is whole
            want = max(len(data) + fr._BLOCK, bdw_length(data, 0) or 0)
            continue
        data, base, want = data[pos:], base + pos, fr._BLOCK
        if eof and not data:
            return


def _block_finder(data: bytes, start: int, eof: bool) -> tuple[int | None, int]:
    return resync.block_chain(data, start, len(data), len(data), eof)


def _resync_in_block(data: bytes, buf: np.ndarray, base: int, at: int, problem: str, hi: int, max_records: int
                     ) -> Iterator[fr.Chunk]:  # fmt: skip
    """A damaged RDW at ``at`` inside the block ending at ``hi``: skip to the next plausible RDW
    chain inside the block (or to its end), read its records, and again after any further damage."""
    while True:
        q, _ = resync.rdw_chain(buf, at + 1, hi, hi, True)
        sk = resync.Skipped(base + at, problem)
        sk.add(memoryview(data)[at : hi if q is None else q])
        yield fr.skipped_chunk(sk, resync.BLOCK_END if q is None else resync.CHAIN)
        if q is None:
            return
        p, ln, at, problem = _walk_block(data, q, hi)
        yield from _chunks(data, buf, base, np.array(p, np.int64), np.array(ln, np.int64), max_records)
        if not problem:
            return
