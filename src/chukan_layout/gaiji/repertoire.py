"""The characters a legacy codec can yield: what a column decoded from cp932 or EUC-JP may hold.

A column the CSV reader decoded (:func:`~chukan_layout.readers.csv_decode.decoded_from`) holds
only characters of its codec's repertoire — for cp932 about 9,400 (ASCII, half-width kana, JIS X
0208, the NEC and IBM extensions, the user area as PUA U+E000–E757, and the U+0080 / U+F8F0–F8F3
of 0x80, 0xA0, 0xFD–0xFF). Of those, an ``mj`` item flags only the PUA and seven symbols (∑ ＼ ～
￠ ￡ ￢ ￤), whose UTF-8 begins with E2, EE or EF: the 外字 detection of such a column needs to
look only at characters beginning with those bytes (:func:`.detect.flagged_first_bytes`), not
decode every character of it. The repertoire is the codec's own answer for every byte sequence
(:func:`codec_chars`), never a hand-written list.
"""

from __future__ import annotations

import codecs
from functools import cache

import numpy as np

# the longest byte sequence of one character (the codecs are stateless: every character the
# codec yields is the decoding of one such sequence)
_LONGEST = {"cp932": 2, "euc_jp": 3, "ascii": 1}


def _normalized(encoding: str) -> str | None:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return name if name in _LONGEST else None


def _yields(encoding: str) -> frozenset[int]:
    """Every code point ``encoding`` decodes some sequence of ≤ :data:`_LONGEST` bytes to."""
    out: set[int] = set()

    def take(seq: bytes) -> bool:
        try:
            out.update(map(ord, seq.decode(encoding)))
        except UnicodeDecodeError:
            return False
        return True

    singles = [b for b in range(256) if take(bytes([b]))]
    for lead in range(0x80, 0x100):
        if lead in singles:
            continue  # a character of its own: a two-byte sequence from it decodes as two
        pair = [t for t in range(256) if take(bytes([lead, t]))]
        if not pair and _LONGEST[encoding] == 3:  # EUC-JP's SS3 (0x8F): JIS X 0212 in three bytes
            for t in range(0xA1, 0xFF):
                for u in range(0xA1, 0xFF):
                    take(bytes([lead, t, u]))
    return frozenset(out)


def codec_chars(encoding: str) -> np.ndarray | None:
    """bool[0x110000]: the code points ``encoding`` can decode to; None for a codec other than
    cp932 / EUC-JP / ASCII (any character may come out)."""
    name = _normalized(encoding)
    return None if name is None else _table(name)


@cache
def _table(name: str) -> np.ndarray:
    from .targets import _cached_set  # the codec's answers, cached on disk as the charset sets are

    table = np.zeros(0x110000, bool)
    table[np.fromiter(_cached_set(f"codec-{name}", lambda: _yields(name)), np.int64)] = True
    table.setflags(write=False)
    return table
