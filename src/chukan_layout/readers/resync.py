"""Resynchronisation after damaged RDW / BDW framing (issue 14 point 4).

One bad RDW used to turn the rest of a z/OS file into one reject. Now the framers scan forward
from the damage for the next *plausible chain*: ``K`` consecutive valid RDWs (VB: BDW blocks,
each starting with a valid RDW), each landing exactly on the next, or fewer when the chain ends
exactly at the end of the file (of the block, for RDWs inside a VB block). Reading goes on from
there; the bytes in between become **one** reject (:class:`Skipped`): its SHA-256 and length
cover every skipped byte, its preview only the first ``PREVIEW`` bytes (the pipeline copies the
whole stretch into a side file, ``rejects-raw/<sha256>.bin``).

The search is decided on the bytes of the file alone, so the streamed framers (which see the
file a buffer at a time) and the plain walk (``framing.walk_records``, the whole file) skip to
the same place: a candidate whose chain runs past the bytes read so far is *undetermined*, and
the streamed framer reads on before judging it.
"""

from __future__ import annotations

import hashlib

import numpy as np

K = 4  # RDWs (VB: blocks) in a plausible chain
MIN_RDW = 5  # an RDW of a plausible chain carries at least one payload byte
PREVIEW = 4096  # raw bytes of a skipped stretch kept in the reject row itself
_WINDOW = 1 << 16  # candidates judged per numpy pass


class Skipped:
    """One skipped stretch of a file: offset, length and SHA-256 of all of it, a preview of its start."""

    def __init__(self, offset: int, problem: str) -> None:
        self.offset = offset
        self.problem = problem
        self.size = 0
        self.preview = b""
        self._sha = hashlib.sha256()

    def add(self, data: bytes | memoryview) -> None:
        self._sha.update(data)
        if len(self.preview) < PREVIEW:
            self.preview += bytes(data[: PREVIEW - len(self.preview)])
        self.size += len(data)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    def reason(self, to: str) -> str:
        """The reject's reason: the damage, where, how many bytes were skipped, and ``to`` what
        (``CHAIN``, ``BLOCK_END`` or ``FILE_END``)."""
        end = self.offset + self.size
        return (f"{self.problem} at byte {self.offset}; {self.size} bytes skipped to byte {end} ({to}); "
                f"sha256 {self.sha256}")  # fmt: skip


CHAIN = "the next plausible record chain"
BLOCK_END = "the end of its block"
FILE_END = "the end of the file: no plausible record chain after it"


def rdw_chain(buf: np.ndarray, start: int, stop: int, end: int, final: bool) -> tuple[int | None, int]:
    """The first ``q`` in ``[start, stop)`` where a plausible RDW chain starts, bounded by ``end``.

    ``final``: ``end`` is a real boundary (end of file or of a VB block) — a chain may end exactly
    there after one RDW or more, one running past it fails. Otherwise ``end`` is only the end of
    the bytes read so far and a chain reaching it is undetermined. Returns ``(q, stop)`` on
    success, else ``(None, u)``: every candidate before ``u`` fails (``u`` = the first
    undetermined one, or ``stop``)."""
    lo = start
    while lo < stop:
        hi = min(stop, lo + _WINDOW)
        q, u = _rdw_window(buf, lo, hi, end, final)
        if q is not None or u < hi:
            return q, u
        lo = hi
    return None, stop


def _rdw_window(buf: np.ndarray, lo: int, hi: int, end: int, final: bool) -> tuple[int | None, int]:
    cur = np.arange(lo, hi, dtype=np.int64)
    alive = np.ones(len(cur), bool)  # not failed
    done = np.zeros(len(cur), bool)
    und = np.zeros(len(cur), bool)
    for j in range(K):
        act = alive & ~done & ~und
        at_end = act & (cur == end)
        if final:
            done |= at_end & (j > 0)
            alive &= ~(at_end & (j == 0))
        else:
            und |= at_end
        act = alive & ~done & ~und
        short = act & (cur + 4 > end)
        if final:
            alive &= ~short
        else:
            und |= short
        act = alive & ~done & ~und
        if not act.any():
            break
        idx = np.where(act, cur, 0)
        rl = buf[idx].astype(np.int64) * 256 + buf[idx + 1]
        good = (buf[idx + 2] == 0) & (buf[idx + 3] == 0) & (rl >= MIN_RDW)
        alive &= ~act | good
        act &= good
        over = act & (cur + rl > end)
        if final:
            alive &= ~over
        else:
            und |= over
        cur = np.where(act & ~over, cur + rl, cur)
    done |= alive & ~und
    return _first(lo, hi, done, und)


def _first(lo: int, hi: int, done: np.ndarray, und: np.ndarray) -> tuple[int | None, int]:
    s = int(np.argmax(done)) if done.any() else len(done)
    u = int(np.argmax(und)) if und.any() else len(und)
    if s < u:
        return lo + s, hi
    return None, lo + u if u < len(und) else hi


# The longest block a BDW may announce. A standard BDW holds at most 32,760; the extended form of
# z/OS's large block interface is used for tape blocks, which device limits keep at 256 KiB. A larger
# length is damage, not a block: the framers would otherwise buffer up to 2 GiB to "complete" it.
MAX_BLOCK = 1 << 20


def bdw_length(data: bytes | memoryview, pos: int) -> int | None:
    """Block length from the BDW at ``pos`` (None when it is malformed or longer than ``MAX_BLOCK``)."""
    bdw = int.from_bytes(data[pos : pos + 4], "big")
    if bdw & 0x80000000:
        blen = bdw & 0x7FFFFFFF
    else:
        if data[pos + 2 : pos + 4] != b"\0\0":
            return None
        blen = bdw >> 16
    return blen if 4 <= blen <= MAX_BLOCK else None


def _block_fits(data: bytes | memoryview, q: int, end: int) -> bool | None:
    """Whether a plausible block starts at ``q``: a BDW whose first RDW is valid and inside it
    (the rest of the block is not required: damage there is resynchronised inside the block).
    None when the block runs past ``end`` (undetermined)."""
    if q + 8 > end:
        return None
    blen = bdw_length(data, q)
    if blen is None or blen < 4 + MIN_RDW:
        return False
    rl = int.from_bytes(data[q + 4 : q + 6], "big")
    if data[q + 6 : q + 8] != b"\0\0" or rl < MIN_RDW or rl > blen - 4:
        return False
    return None if q + blen > end else True


def block_chain(
    data: bytes | memoryview, start: int, stop: int, end: int, final: bool
) -> tuple[int | None, int]:
    """The first ``q`` in ``[start, stop)`` where a plausible chain of ``K`` VB blocks starts (fewer
    when it ends exactly at ``end`` with ``final``); same contract as :func:`rdw_chain`."""
    buf = np.frombuffer(data, np.uint8)
    lo = start
    while lo < stop:
        hi = min(stop, lo + _WINDOW)
        # prefilter: a BDW (2 zero bytes or the extended form) followed by an RDW's 2 zero bytes
        top = min(hi, end - 7)
        if top > lo:
            c = np.arange(lo, top, dtype=np.int64)
            ok = ((buf[c + 2] == 0) & (buf[c + 3] == 0)) | (buf[c] >= 0x80)
            ok &= (buf[c + 6] == 0) & (buf[c + 7] == 0)
            cands = (c[ok]).tolist()
        else:
            cands = []
        first_und = None
        if not final and top < hi:  # the last few positions cannot be judged yet
            first_und = max(lo, top)
        for q in cands:
            verdict = _blocks_from(data, q, end, final)
            if verdict is None:
                return None, q
            if verdict:
                return q, hi
        if first_und is not None:
            return None, first_und
        lo = hi
    return None, stop


def _blocks_from(data: bytes | memoryview, q: int, end: int, final: bool) -> bool | None:
    p = q
    for j in range(K):
        if p == end:
            return True if final and j > 0 else (None if not final else False)
        fits = _block_fits(data, p, end)
        if fits is None:
            return False if final else None
        if not fits:
            return False
        p += bdw_length(data, p) or 0
    return True
