"""富士通 JEF and 日立 KEIS: KI/KO splitting + EUC-JP + a pluggable vendor table.

No open JEF or KEIS codec exists (legacy-exports.md §1.3). Both carry single-byte EBCDIC(K)
text and switch to double-byte runs with shift codes:

==========  =====================  ======================
code        KI (into DBCS)         KO (back to SBCS)
==========  =====================  ======================
JEF         ``0x28`` (or ``0x38``)  ``0x29``
KEIS        ``0x0A 0x42``          ``0x0A 0x41``
==========  =====================  ======================

The JIS X 0208 part of the DBCS runs is JIS + 0x8080, i.e. EUC-JP bytes (``石`` = C0D0), so it
is decoded with ``euc_jp``; ``4040`` is the DBCS space. Everything else — vendor extension
kanji (JEF 拡張漢字, KEIS 拡張), and the municipality's 外字 — needs a **vendor table** that
the user supplies: a TSV of ``CODE<TAB>CHARACTERS`` lines (code = 4 hex digits of the DBCS
pair, characters = the Unicode text, e.g. a PUA code point or an IVS sequence), ``#``
comments allowed. Register it with :func:`register_kiko_codec`::

    register_kiko_codec("jef_city_a", base="jef", table="jef_city_a.tsv")

A pair that is neither EUC-JP nor in the table makes its cell bad (``read.decode``), so
nothing is guessed. These codecs decode cell by cell (they are rare; correctness first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from .codecs import Decoded, TextCodec, register_codec
from .definition import FieldType

_SHIFTS = {"jef": (b"\x28", b"\x29", (b"\x38",)), "keis": (b"\x0a\x42", b"\x0a\x41", ())}


def load_vendor_table(path: str | Path) -> dict[int, str]:
    """Read a ``CODE<TAB>CHARACTERS`` vendor/外字 table (code in hex, characters as text or U+XXXX)."""
    table: dict[int, str] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        code, _, chars = line.partition("\t")
        if not chars:
            raise ValueError(f"{path}:{n}: expected CODE<TAB>CHARACTERS")
        if chars.startswith("U+"):
            chars = "".join(chr(int(u[2:], 16)) for u in chars.split())
        table[int(code, 16)] = chars
    return table


class KikoCodec(TextCodec):
    """A KI/KO-shifted EBCDIC codec with EUC-JP double-byte runs."""

    ebcdic = True
    blank = 0x40

    def __init__(
        self, name: str, base: str, vendor: Mapping[int, str] | None = None, sbcs: str = "cp290"
    ) -> None:
        from .codecs import get_codec

        self.name = name
        self.ki, self.ko, self.alt_ki = _SHIFTS[base]
        self.vendor = dict(vendor or {})
        self.reverse = {v: k for k, v in self.vendor.items()}
        self.sbcs = get_codec(sbcs)

    def pad_unit(self, kind: FieldType) -> bytes:
        return b"\x40"

    def _pair(self, code: int) -> str:
        if code in self.vendor:
            return self.vendor[code]
        if code == 0x4040:
            return "\u3000"
        hi, lo = code >> 8, code & 0xFF
        if hi < 0xA1 or lo < 0xA1:
            raise ValueError(f"DBCS pair {code:04X} not in the vendor table")
        return bytes([hi, lo]).decode("euc_jp")

    def decode_value(self, raw: bytes, kind: FieldType) -> str:
        """Decode one field's bytes (raises ValueError / UnicodeDecodeError on bad bytes)."""
        if kind is FieldType.DBCS:
            if len(raw) % 2:
                raise ValueError("odd length DBCS field")
            return "".join(self._pair(raw[i] << 8 | raw[i + 1]) for i in range(0, len(raw), 2))
        out: list[str] = []
        i, dbcs = 0, False
        kis = (self.ki, *self.alt_ki)
        while i < len(raw):
            if not dbcs and any(raw.startswith(k, i) for k in kis):
                dbcs, i = True, i + len(self.ki)
            elif dbcs and raw.startswith(self.ko, i):
                dbcs, i = False, i + len(self.ko)
            elif dbcs:
                if i + 1 >= len(raw):
                    raise ValueError("odd-length DBCS run")
                out.append(self._pair(raw[i] << 8 | raw[i + 1]))
                i += 2
            else:
                if raw[i] == 0:
                    raise ValueError("NUL byte")
                out.append(self.sbcs.decode_bytes(raw[i : i + 1]))
                i += 1
        return "".join(out)

    def decode_columns(
        self, columns: Sequence[tuple[np.ndarray, FieldType]], trim: bool = False
    ) -> list[Decoded]:
        result: list[Decoded] = []
        for cells, kind in columns:
            values, bad = [], np.zeros(len(cells), bool)
            for r, row in enumerate(cells):
                try:
                    v = self.decode_value(row.tobytes(), kind)
                    values.append(v.rstrip(" ") if trim else v)
                except (ValueError, UnicodeDecodeError):
                    values.append("")
                    bad[r] = True
            result.append((pa.array(values, pa.string()), bad, f"bytes not decodable as {self.name}"))
        return result

    def _dbcs_bytes(self, ch: str) -> bytes:
        if ch in self.reverse:
            return self.reverse[ch].to_bytes(2, "big")
        if ch == "\u3000":
            return b"\x40\x40"
        b = ch.encode("euc_jp")
        if len(b) != 2 or b[0] < 0xA1:
            raise ValueError(f"{ch!r} (U+{ord(ch):04X}) is not encodable in {self.name}")
        return b

    def encode(self, value: str, kind: FieldType) -> bytes:
        if kind is FieldType.DBCS:
            return b"".join(self._dbcs_bytes(c) for c in value)
        out, dbcs = bytearray(), False
        for ch in value:
            try:
                sb = self.sbcs.encode(ch, FieldType.TEXT) if ch not in self.reverse else None
            except ValueError:
                sb = None
            if sb is not None:
                if dbcs:
                    out += self.ko
                    dbcs = False
                out += sb
            else:
                if not dbcs:
                    out += self.ki
                    dbcs = True
                out += self._dbcs_bytes(ch)
        if dbcs:
            out += self.ko
        return bytes(out)


def register_kiko_codec(name: str, base: str, table: str | Path | Mapping[int, str] | None = None) -> None:
    """Register a JEF/KEIS codec (``base`` = ``jef`` or ``keis``) with a vendor/外字 table."""
    vendor = load_vendor_table(table) if isinstance(table, str | Path) else table
    register_codec(name, lambda: KikoCodec(name, base, vendor))


register_codec("jef", lambda: KikoCodec("jef", "jef"))
register_codec("keis", lambda: KikoCodec("keis", "keis"))
