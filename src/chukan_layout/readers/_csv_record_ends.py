"""Where a record of the careful CSV path ends on the raw bytes, and the faults seen at its end.

Byte-level helpers of :mod:`._csv_careful` (valid for ASCII-compatible encodings: their multibyte
characters never contain ``"``, ``,``, CR or LF bytes): the line ends (LF, CRLF or a lone CR),
closing quotes followed by something a closing quote may not be followed by, and whether the
unterminated last record of a file was cut short.
"""

from __future__ import annotations

import numpy as np


def malformed_quotes(buf: np.ndarray, quotes_before: int, quote: int, delim: int) -> np.ndarray:
    """Positions of closing quotes followed by something other than delimiter / quote / line end.

    RFC 4180: after a quoted field's closing quote comes a delimiter or the line end (or a
    second quote, the escape). ``1,"abc,2\r\n3,"x`` closes the first quote on the next line and
    then continues with ``x``: a sign that a quote was never closed where it should have been."""
    q = np.flatnonzero(buf == quote)
    closing = q[1 - quotes_before % 2 :: 2]  # every second quote closes (a strided view, no copy)
    if len(closing) and closing[-1] + 1 >= len(buf):
        closing = closing[:-1]
    allowed = np.zeros(256, bool)
    allowed[[delim, quote, 0x0A, 0x0D]] = True
    bad = ~allowed[buf[1:][closing]]  # the byte after each closing quote, through a 256-entry table
    return closing[bad]


def line_ends(buf: np.ndarray, eof: bool) -> np.ndarray:
    """Positions that end a line: every LF, and every CR not followed by LF (a lone CR; one at the
    end of the data only at EOF: its successor may be in the next read)."""
    nl = np.flatnonzero(buf == 0x0A)
    cr = np.flatnonzero(buf == 0x0D)
    if not len(cr):
        return nl
    nxt = cr + 1
    has_next = nxt < len(buf)
    lone = np.zeros(len(cr), bool)
    lone[has_next] = buf[nxt[has_next]] != 0x0A
    if eof:
        lone[~has_next] = True
    return np.union1d(nl, cr[lone]) if lone.any() else nl


def cut_short(data: bytes, qpos: np.ndarray, nfields: int, ncols: int, tail_open: bool) -> bool:
    """Is the unterminated last record of the file truncated (rather than merely missing its final
    line end)?

    A record without a final newline is complete when its quotes balance and it has all its
    fields (``"1","2","3"`` at EOF is fine). It was cut short when it has fewer fields than the
    header, or when the file ends inside a quoted field opened on the last physical line (no
    newline after the opening quote, except the file's own last line end, swallowed by the quote).
    A quote opened on an earlier line that runs to EOF is an unbalanced quote instead (so is a
    last record with a malformed quote -- the caller checks that): that line is rejected alone
    and the lines after it are read again (see :mod:`._csv_careful`)."""
    if tail_open:
        return b"\n" not in data[int(qpos[-1]) :].rstrip(b"\r\n")
    return nfields < ncols


def truncation_reason(tail_open: bool, nfields: int, ncols: int) -> str:
    if tail_open:
        return "truncated last record: the file ends inside a quoted field"
    return f"truncated last record: {nfields} of {ncols} fields and no line end at the end of the file"
