"""The plain walk of RDW / VB records: the reference the streamed framers are tested against.

:func:`walk_records` reads the whole file into memory and walks it record by record with
plain-Python chain checks (``resync`` does the same checks with numpy for the streamed framers,
``framing._frame_rdw_stream`` and ``vb.frame_vb``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from . import resync
from ._chunks import ByteStream, Chunk, general_chunk, skipped_chunk


def walk_records(f: ByteStream, max_records: int, blocked: bool = True) -> Iterator[Chunk]:
    """RDW records (VB: in BDW blocks) walked one by one over the whole file in memory.

    The plain reference that the streamed framers (``_frame_rdw_stream``, ``vb.frame_vb``) are
    tested against: same records, same skipped stretches (plain-Python chain checks here, numpy
    in ``resync``), in the same order."""
    data = f.read()  # the walk needs random access
    view = memoryview(data)
    n = len(data)
    starts: list[int] = []
    lengths: list[int] = []

    def flush() -> Iterator[Chunk]:
        if starts:
            yield general_chunk(data, 0, list(starts), list(lengths))
            starts.clear()
            lengths.clear()

    def skip(at: int, problem: str, end: int, chain: Callable[[int, int], bool], to_end: str
             ) -> Iterator[Chunk | int]:  # fmt: skip
        q = next((q for q in range(at + 1, end) if chain(q, end)), None)
        sk = resync.Skipped(at, problem)
        sk.add(view[at : end if q is None else q])
        yield from flush()
        yield skipped_chunk(sk, to_end if q is None else resync.CHAIN)
        yield end if q is None else q

    def records(lo: int, hi: int) -> Iterator[Chunk]:  # the RDWs of [lo, hi)
        pos = lo
        while pos < hi:
            problem = _rdw_problem(view, pos, hi)
            if problem:
                to_end = resync.BLOCK_END if blocked else resync.FILE_END
                *out, nxt = skip(pos, problem, hi, _plain_rdw_chain(view), to_end)
                yield from out  # type: ignore[misc]
                pos = nxt  # type: ignore[assignment]
                continue
            rlen = int.from_bytes(view[pos : pos + 2], "big")
            starts.append(pos + 4)
            lengths.append(rlen - 4)
            pos += rlen
            if len(starts) >= max_records:
                yield from flush()

    if not blocked:
        yield from records(0, n)
    else:
        pos = 0
        while pos < n:
            blen = resync.bdw_length(view, pos) if n - pos >= 4 else None
            problem = (f"truncated BDW ({n - pos} bytes)" if n - pos < 4 else f"bad BDW {view[pos : pos + 4].hex()}"
                       if blen is None else f"truncated block: BDW says {blen} bytes, {n - pos} left"
                       if pos + blen > n else "")  # fmt: skip
            if problem:
                *out, nxt = skip(pos, problem, n, _plain_block_chain(view), resync.FILE_END)
                yield from out  # type: ignore[misc]
                pos = nxt  # type: ignore[assignment]
                continue
            assert blen is not None
            yield from records(pos + 4, pos + blen)
            pos += blen
    yield from flush()


def _rdw_problem(view: memoryview, pos: int, hi: int) -> str:
    if hi - pos < 4:
        return f"truncated RDW ({hi - pos} bytes)"
    rlen = int.from_bytes(view[pos : pos + 2], "big")
    if view[pos + 2 : pos + 4] != b"\0\0" or rlen < 4:
        return f"bad RDW {view[pos : pos + 4].hex()}"
    if pos + rlen > hi:
        return f"truncated record: RDW says {rlen} bytes, {hi - pos} left"
    return ""


def _plain_rdw_chain(view: memoryview) -> Callable[[int, int], bool]:
    """Whether a plausible RDW chain starts at ``q`` and stays inside ``end`` (plain Python)."""

    def chain(q: int, end: int) -> bool:
        p = q
        for j in range(resync.K):
            if p == end:
                return j > 0
            rl = int.from_bytes(view[p : p + 2], "big")
            if p + 4 > end or view[p + 2 : p + 4] != b"\0\0" or rl < resync.MIN_RDW or p + rl > end:
                return False
            p += rl
        return True

    return chain


def _plain_block_chain(view: memoryview) -> Callable[[int, int], bool]:
    """Whether a plausible chain of VB blocks (each starting with a valid RDW) starts at ``q`` (plain Python)."""

    def fits(p: int, end: int) -> int:
        blen = resync.bdw_length(view, p) if p + 8 <= end else None
        if blen is None or blen < 4 + resync.MIN_RDW or p + blen > end:
            return 0
        rl = int.from_bytes(view[p + 4 : p + 6], "big")  # the block's first RDW only
        if view[p + 6 : p + 8] != b"\0\0" or rl < resync.MIN_RDW or rl > blen - 4:
            return 0
        return blen

    def chain(q: int, end: int) -> bool:
        p = q
        for j in range(resync.K):
            if p == end:
                return j > 0
            blen = fits(p, end)
            if not blen:
                return False
            p += blen
        return True

    return chain
