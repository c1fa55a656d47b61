"""Text printed on a terminal never carries raw control characters from data (issue 14, point 7).

A value read from an export file may hold LF, TAB, BEL, ESC (a whole terminal escape sequence,
even a hyperlink) or C1 controls. Printed as is, they would rewrite the operator's screen or
forge lines of the verdict. :func:`safe_text` shows each such code point as ``\\x07`` /
``\\u009b`` instead; everything else (漢字, ｶﾅ, 外字 in the PUA, IVS) passes unchanged.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# C0 (TAB and LF too: a message is one line), DEL, C1, and the bidirectional / line-separator
# format characters that reorder or break a terminal line.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_STREAM_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    # C0 as \xNN; DEL and above as \uNNNN, which is also a valid JSON escape of the same character
    # (json.dumps never leaves C0 raw, so --json output stays valid and equivalent)
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x20 else f"\\u{c:04x}"


def safe_text(text: str) -> str:
    """``text`` with every control / bidi code point shown as an escape.

    >>> safe_text("山田\\x1b]8;;http://x\\x07太郎\\n")
    '山田\\\\x1b]8;;http://x\\\\x07太郎\\\\x0a'
    >>> safe_text("髙﨑　ﾀﾛｳ")
    '髙﨑　ﾀﾛｳ'
    """
    return _CONTROLS.sub(_escape, text)


def safe_lines(text: str) -> str:
    """Like :func:`safe_text`, but keeps line breaks of multi-line messages (LF only)."""
    return "\n".join(safe_text(line) for line in text.split("\n"))


class SafeStream:
    """A text stream that writes :func:`safe_text` (keeping LF and TAB, the layout of the output).

    The CLI wraps stdout in it for the duration of a command: whatever a command prints — file
    names, item values in a finding line, a trailer's declared count — cannot reach the
    terminal as a raw control character.
    """

    def __init__(self, raw: TextIO) -> None:
        self._raw = raw

    def write(self, text: str) -> int:
        self._raw.write(_STREAM_CONTROLS.sub(_escape, text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, buffer …
        return getattr(self._raw, name)
