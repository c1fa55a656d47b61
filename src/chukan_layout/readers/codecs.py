"""Text codecs for fixed-width fields: the registry of encoding labels and codecs.

A :class:`TextCodec` (:mod:`._text_codec`) decodes whole *columns* (an ``(n, length)`` uint8 matrix
per field) into Arrow strings, reporting which cells are bad, and encodes columns for the renderer.
Codecs:

- Python codecs (:mod:`._python_codec`): ``cp932`` (Shift_JIS family: ``shift_jis``, ``sjis``, ``ms932``,
  ``windows-31j`` are *read as cp932*, docs/design.md §4.5), ``euc_jp``, ``utf-8``, ``utf-16-le/-be``;
- EBCDIC tables (:mod:`.ebcdic`): ``cp290``, ``cp037``, ``ibm930``, ``ibm939``;
- KI/KO codecs (:mod:`.kiko`): ``jef``, ``keis`` with a pluggable vendor table.

This module holds the labels (aliases, :func:`canonical_name`, :func:`whole_file_name`) and the
registry (:func:`get_codec`, :func:`register_codec`); ``TextCodec``, ``Decoded`` and
``PythonCodec`` are importable from here too.
"""

from __future__ import annotations

from collections.abc import Callable

from ._python_codec import PythonCodec as PythonCodec
from ._text_codec import Decoded as Decoded
from ._text_codec import TextCodec as TextCodec

_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "s-jis": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "windows_31j": "cp932",
    "cp943c": "cp932",
    "mskanji": "cp932",
    "euc-jp": "euc_jp",
    "eucjp": "euc_jp",
    "ujis": "euc_jp",
    "utf8": "utf-8",
    "utf_8": "utf-8",
    "utf-8-sig": "utf-8",
    "utf_8_sig": "utf-8",
    "utf-16le": "utf-16-le",
    "utf_16_le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "utf_16_be": "utf-16-be",
    "ibm290": "cp290",
    "ebcdic-jp-kana": "cp290",
    "ibm037": "cp037",
    "ebcdic-cp-us": "cp037",
    "ibm-290": "cp290",
    "ccsid290": "cp290",
    "ibm-037": "cp037",
    "ccsid37": "cp037",
    "ccsid037": "cp037",
    "cp930": "ibm930",
    "ccsid930": "ibm930",
    "ibm-930": "ibm930",
    "cp939": "ibm939",
    "ccsid939": "ibm939",
    "ibm-939": "ibm939",
    "jef": "jef",
    "fujitsu-jef": "jef",
    "keis": "keis",
    "hitachi-keis": "keis",
    "utf-16": "utf-16",
    "utf16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
}
# Labels whose Python codec reads a BOM itself: kept as given (the registry reads them as utf-8 /
# utf-16-le, which is right for field data but would keep the BOM of a whole file).
_BOM_AWARE = {"utf-8-sig": "utf-8-sig", "utf_8_sig": "utf-8-sig", "utf-16": "utf-16", "utf16": "utf-16"}
_EBCDIC = frozenset({"cp290", "cp037", "ibm930", "ibm939", "jef", "keis"})


def canonical_name(name: str) -> str:
    """The registry name for an encoding label (``Shift_JIS`` → ``cp932``, ``IBM-930`` → ``ibm930``).

    The one alias table of every command (``inspect --encoding``, ``convert --input-encoding``,
    adapter ``encoding:``): case, ``_`` / ``-`` and the ``IBM`` / ``CP`` / ``CCSID`` spellings
    are all accepted."""
    key = name.strip().lower()
    return _ALIASES.get(key, _ALIASES.get(key.replace("_", "-"), key))


def whole_file_name(name: str) -> str:
    """The Python codec for decoding a *whole file* given a label: like :func:`canonical_name`
    but BOM-aware labels (``utf-8-sig``, ``utf-16``) stay as they are."""
    key = name.strip().lower()
    return _BOM_AWARE.get(key, _BOM_AWARE.get(key.replace("-", "_"), canonical_name(name)))


def is_ebcdic(name: str) -> bool:
    """Is this label a host (EBCDIC or KI/KO) encoding, which Python's codecs cannot decode?"""
    return canonical_name(name) in _EBCDIC


def known_encodings() -> list[str]:
    """Every registry name (for error messages)."""
    return sorted(set(_REGISTRY) | _EBCDIC | {"utf-8-sig", "utf-16"})


def check_encoding(name: str) -> str:
    """The canonical name of ``name``, or a :class:`LookupError` listing the known encodings."""
    key = canonical_name(name)
    if key in _EBCDIC or key in _REGISTRY or whole_file_name(name) in ("utf-8-sig", "utf-16"):
        return key
    raise LookupError(f"unknown encoding {name!r}; known: {', '.join(known_encodings())}")


_REGISTRY: dict[str, Callable[[], TextCodec]] = {
    "cp932": lambda: PythonCodec("cp932", "cp932", b"\x81\x40"),
    "euc_jp": lambda: PythonCodec("euc_jp", "euc_jp", b"\xa1\xa1"),
    "utf-8": lambda: PythonCodec("utf-8", "utf-8", "\u3000".encode()),
    "utf-16-le": lambda: PythonCodec("utf-16-le", "utf-16-le", "\u3000".encode("utf-16-le"), False),
    "utf-16-be": lambda: PythonCodec("utf-16-be", "utf-16-be", "\u3000".encode("utf-16-be"), False),
}
_CACHE: dict[str, TextCodec] = {}


def register_codec(name: str, factory: Callable[[], TextCodec]) -> None:
    """Register a codec factory under ``name`` (e.g. a JEF codec with a vendor table)."""
    _REGISTRY[canonical_name(name)] = factory
    _CACHE.pop(canonical_name(name), None)


def get_codec(name: str) -> TextCodec:
    """The codec for an encoding label; an unknown label lists the valid ones."""
    key = canonical_name(name)
    if key not in _REGISTRY and key in ("cp290", "cp037", "ibm930", "ibm939"):
        from . import ebcdic  # noqa: F401  (registers the EBCDIC codecs; tables load lazily)
    if key not in _REGISTRY and key in ("jef", "keis"):
        from . import kiko  # noqa: F401
    if key not in _CACHE:
        try:
            _CACHE[key] = _REGISTRY[key]()
        except KeyError:
            raise LookupError(f"unknown encoding {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None
    return _CACHE[key]
