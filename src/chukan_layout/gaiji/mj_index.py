"""The MJ index: MJ文字図形名 ↔ UCS (+IVS/SVS), IVD registrations, JIS X 0213 / cp932 / 常用・人名用.

Built from the user's copies of the MJ文字情報一覧表 (8-column TSV, or the official
``mji.00602.xlsx`` via :mod:`.mj_xlsx`) and the Unicode IVD, and cached as one JSON file in the
user cache directory (``platformdirs``; ``CHUKAN_CACHE_DIR`` or ``cache_dir=`` override) — never
in the repository: the data is CC BY-SA 2.1 JP (© IPA, "IPA の著作物") / Unicode-licensed.

    >>> idx = MJIndex.build("../shared/gaiji-data/mji-list.00602.tsv",
    ...                     ivd="../shared/gaiji-data/IVD_Sequences-2025-07-14.txt")  # doctest: +SKIP
    >>> idx.sequences("MJ000008")                                                   # doctest: +SKIP
    ['\\u3404\\U000e0101', ...]
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import GaijiError
from .targets import cp932_encodable, in_jis_x0213

CACHE_VERSION = 2
_TSV_HEADER = ["MJ文字図形名", "対応するUCS", "実装したUCS", "実装したMoji_JohoコレクションIVS",
               "実装したSVS", "対応する互換漢字", "X0213", "漢字施策"]  # fmt: skip


class MJChar(NamedTuple):
    """One row of the MJ list (strings as text, not code-point notation)."""

    name: str
    ucs: str  # 対応するUCS (may be shared by several glyphs)
    implemented: str  # 実装したUCS (this glyph in IPAmj明朝), "" if none
    ivs: tuple[str, ...]  # 実装したMoji_JohoコレクションIVS sequences
    svs: tuple[str, ...]
    compat: str  # 対応する互換漢字
    x0213: str  # 面-区-点
    policy: str  # 常用漢字 | 人名用漢字 | ""
    koseki: str = ""  # 戸籍統一文字番号 (xlsx only)
    juki: str = ""  # 住基ネット統一文字コード (xlsx only)

    @property
    def sequences(self) -> tuple[str, ...]:
        """Every UCS sequence that stands for exactly this glyph (implemented UCS, IVS, SVS)."""
        return tuple(s for s in (self.implemented, *self.ivs, *self.svs) if s)


def _cp(notation: str) -> str:
    """``U+3005`` → ``々``; ``3404_E0101`` → IVS sequence."""
    notation = notation.strip()
    if notation.startswith("U+"):
        return chr(int(notation[2:], 16))
    return "".join(chr(int(p, 16)) for p in notation.split("_"))


def _seqs(cell: str) -> tuple[str, ...]:
    return tuple(_cp(p) for p in cell.split(";") if p.strip())


def parse_mj_tsv(path: str | Path) -> list[MJChar]:
    """Read the 8-column MJ list TSV; raises :class:`GaijiError` naming file and line."""
    p = Path(path)
    rows: list[MJChar] = []
    with p.open(encoding="utf-8-sig", newline="") as f:
        header = f.readline().rstrip("\r\n").split("\t")
        if header[:8] != _TSV_HEADER:
            raise GaijiError(f"{p}:1: not an MJ list TSV (expected columns {', '.join(_TSV_HEADER)})")
        for lineno, line in enumerate(f, start=2):
            cells = line.rstrip("\r\n").split("\t")
            if not any(cells):
                continue
            cells += [""] * (8 - len(cells))
            try:
                name, ucs, impl, ivs, svs, compat, x0213, policy = (c.strip() for c in cells[:8])
                rows.append(MJChar(name, _cp(ucs) if ucs else "", _cp(impl) if impl else "", _seqs(ivs),
                                   _seqs(svs), _cp(compat) if compat else "", x0213, policy))  # fmt: skip
            except ValueError as e:
                raise GaijiError(f"{p}:{lineno}: malformed MJ list row: {e}") from None
    return rows


def parse_ivd(path: str | Path) -> list[tuple[str, str, str]]:
    """Read ``IVD_Sequences.txt`` → ``(sequence, collection, identifier)`` triples."""
    p = Path(path)
    out: list[tuple[str, str, str]] = []
    with p.open(encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                seq, coll, ident = (x.strip() for x in line.split(";"))
                out.append(("".join(chr(int(h, 16)) for h in seq.split()), coll, ident))
            except ValueError:
                raise GaijiError(f"{p}:{lineno}: malformed IVD line {line!r}") from None
    if not out:
        raise GaijiError(f"{p}: no IVD sequences found")
    return out


class MJIndex:
    """Lookups over the MJ list and the IVD. Build with :meth:`build`, reload with :meth:`load_cached`.

    Held column-wise; the lookup dicts are built with C-speed ``dict(zip(...))`` so that loading
    the cache stays well under a second, and the rarely used groupings are built on first use.
    """

    def __init__(self, chars: list[MJChar], ivd: list[tuple[str, str, str]], sources: dict[str, Any]):
        self.sources = sources
        self._chars = chars
        self._by_name = {c[0]: i for i, c in enumerate(chars)}
        # sequence → row; 実装したUCS, IVS and SVS are unique per glyph in the MJ list
        pairs = [(c[2], i) for i, c in enumerate(chars) if c[2]]
        pairs += [(s, i) for i, c in enumerate(chars) for s in (*c[3], *c[4])]
        self._by_seq: dict[str, int] = dict(pairs)
        self._ivd_raw = ivd
        self._ivd_seqs = frozenset(t[0] for t in ivd)
        self._by_ucs: dict[str, list[str]] | None = None
        self._ivd: dict[str, list[tuple[str, str]]] | None = None

    # -- lookups ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._chars)

    def exists(self, name: str) -> bool:
        """Whether ``MJxxxxxx`` is a name in the MJ list."""
        return name in self._by_name

    def char(self, name: str) -> MJChar:
        """The MJ list row of a name (KeyError if unknown)."""
        return self._chars[self._by_name[name]]

    def sequences(self, name: str) -> tuple[str, ...]:
        """UCS / UCS+IVS / UCS+SVS sequences of an MJ name."""
        return self.char(name).sequences

    def names_for(self, seq: str) -> list[str]:
        """MJ names whose glyph *is* this sequence (implemented UCS, IVS or SVS)."""
        i = self._by_seq.get(seq)
        return [] if i is None else [self._chars[i].name]

    def variants_of(self, ucs: str) -> list[str]:
        """MJ names whose 対応するUCS is ``ucs`` (the glyph family, incl. IVS-only variants)."""
        if self._by_ucs is None:
            by: dict[str, list[str]] = defaultdict(list)
            for c in self._chars:
                if c.ucs:
                    by[c.ucs].append(c.name)
            self._by_ucs = dict(by)
        return list(self._by_ucs.get(ucs, ()))

    def is_mj(self, seq: str) -> bool:
        """Whether ``seq`` (a character, or a character + IVS/SVS) is an MJ character."""
        return seq in self._by_seq

    def has_ivd(self) -> bool:
        return bool(self._ivd_raw)

    def ivd_entries(self, seq: str) -> list[tuple[str, str]]:
        """``(collection, identifier)`` of every IVD registration of ``seq``."""
        if self._ivd is None:
            by: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for s, coll, ident in self._ivd_raw:
                by[s].append((coll, ident))
            self._ivd = dict(by)
        return list(self._ivd.get(seq, ()))

    def is_registered_ivs(self, seq: str) -> bool:
        """Whether an ideographic variation sequence is registered in the IVD (any collection).

        Without an IVD file only the MJ list's own (Moji_Joho) sequences count."""
        return seq in self._ivd_seqs or (not self._ivd_raw and seq in self._by_seq)

    def kanji_policy(self, seq: str) -> str:
        """``常用漢字`` / ``人名用漢字`` / ``""`` for a character (its MJ glyph's 漢字施策)."""
        i = self._by_seq.get(seq)
        return "" if i is None else self._chars[i].policy

    def is_joyo(self, seq: str) -> bool:
        return self.kanji_policy(seq) == "常用漢字"

    def is_jinmeiyo(self, seq: str) -> bool:
        return self.kanji_policy(seq) == "人名用漢字"

    @staticmethod
    def in_jis_x0213(seq: str) -> bool:
        """JIS X 0213 membership (encode-only, ``shift_jis_2004``)."""
        return in_jis_x0213(seq)

    @staticmethod
    def cp932_encodable(seq: str) -> bool:
        """Survives cp932 encode → decode unchanged (no PUA)."""
        return cp932_encodable(seq)

    def code_points(self) -> frozenset[int]:
        """Every single code point that is an MJ glyph or an MJ glyph's base character."""
        out = {ord(s[0]) for s in self._by_seq}
        out.update(ord(c.ucs[0]) for c in self._chars if c.ucs)
        return frozenset(out)

    # -- build / cache -------------------------------------------------------------------
    @classmethod
    def build(cls, mj_list: str | Path | None = None, *, ivd: str | Path | None = None,
              xlsx: str | Path | None = None) -> MJIndex:  # fmt: skip
        """Build from the MJ list TSV and/or the official xlsx, plus the IVD (optional)."""
        if mj_list is None and xlsx is None:
            raise GaijiError("an MJ index needs --mj-list (TSV) or --xlsx")
        sources: dict[str, Any] = {}
        chars: list[MJChar] = []
        if xlsx is not None:
            from .mj_xlsx import parse_mj_xlsx

            chars = parse_mj_xlsx(xlsx)
            sources["xlsx"] = _describe(xlsx)
        if mj_list is not None:
            tsv = parse_mj_tsv(mj_list)
            sources["mj_list"] = _describe(mj_list)
            if chars:  # the xlsx adds 戸籍/住基 columns to the same rows
                extra = {c.name: c for c in chars}
                tsv = [c._replace(koseki=extra[c.name].koseki, juki=extra[c.name].juki)
                       if c.name in extra else c for c in tsv]  # fmt: skip
            chars = tsv
        triples = parse_ivd(ivd) if ivd is not None else []
        if ivd is not None:
            sources["ivd"] = _describe(ivd)
        return cls(chars, triples, sources)

    def to_json(self) -> dict[str, Any]:
        cols = list(zip(*self._chars, strict=True)) if self._chars else [()] * 10
        out: dict[str, Any] = {"version": CACHE_VERSION, "sources": self.sources}
        for key, col in zip(MJChar._fields, cols, strict=True):
            out[key] = [";".join(v) for v in col] if key in ("ivs", "svs") else list(col)
        out["ivd"] = (
            [list(col) for col in zip(*self._ivd_raw, strict=True)] if self._ivd_raw else [[], [], []]
        )
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MJIndex:
        if data.get("version") != CACHE_VERSION:
            raise GaijiError("MJ index cache has an old format; rebuild it with `chukan-layout gaiji index`")
        cols = [data[k] for k in MJChar._fields]
        for k in (3, 4):  # ivs, svs: ";"-joined
            cols[k] = [tuple(v.split(";")) if v else () for v in cols[k]]
        chars = list(map(MJChar._make, zip(*cols, strict=True)))
        return cls(chars, list(zip(*data["ivd"], strict=True)), data.get("sources", {}))

    def save(self, cache_dir: str | Path | None = None) -> Path:
        """Write the index as ``mj-index.json`` in the cache dir (atomic rename); returns the path."""
        path = index_path(cache_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")), "utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load_cached(cls, cache_dir: str | Path | None = None) -> MJIndex | None:
        """The cached index, or ``None`` when none was built yet."""
        path = index_path(cache_dir)
        if not path.is_file():
            return None
        try:
            return cls.from_json(json.loads(path.read_text("utf-8")))
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise GaijiError(f"{path}: unreadable MJ index cache ({e}); rebuild it") from None


def cache_dir(override: str | Path | None = None) -> Path:
    """Cache folder: ``override``, else ``$CHUKAN_CACHE_DIR``, else the platform user cache dir."""
    if override is not None:
        return Path(override)
    env = os.environ.get("CHUKAN_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("chukan-layout"))


def index_path(override: str | Path | None = None) -> Path:
    return cache_dir(override) / "mj-index.json"


def _describe(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise GaijiError(f"{p}: file not found")
    h = hashlib.sha256(p.read_bytes()).hexdigest()
    return {"path": str(p.resolve()), "sha256": h, "size": p.stat().st_size, "built": int(time.time())}
