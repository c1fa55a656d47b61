"""Golden builders for 戸籍 and 戸籍の附票: keyed by 本籍 + 筆頭者, not by 宛名番号.

The synthetic 戸籍 are those the residents' 住民票 point to: every Japanese person of the
town (also those since moved out or deceased) is written in the 戸籍 whose 本籍 and 筆頭者氏名
are exactly the ``juki.jumin`` 本籍 / 筆頭者氏名 of that person, so the two sides agree. A
戸籍 is identified only by those two strings; two households may happen to share them (same
町字, 番地 and head's name), and then they *are* one 戸籍 here: the 記載順位 continue. That
needs a little state across chunks: :class:`KosekiNumbering` keeps one 64-bit hash and one
count per 戸籍 seen (≈ 16 bytes per 戸籍), so chunks must be built in order (as
:func:`~chukan_layout.synth.generate.generate` does).
"""

from __future__ import annotations

import weakref

import numpy as np
import pyarrow as pa

from .arrow_util import const, date_or_blank, flag, join, pick, s, where, zfill
from .calendar import day, iso, partial_iso
from .golden import Rows, builder
from .golden_juki import _ban_banchi, honseki_town
from .population import CHILD, DEAD, MOVED_OUT, REF_DAY, SPOUSE, Chunk
from .world import World, banchi_strings


class KosekiNumbering:
    """記載順位 per 戸籍 (本籍 + 筆頭者氏名) across the chunks of one run."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, np.uint64)  # sorted hashes of the 戸籍 seen so far
        self.counts = np.zeros(0, np.int64)  # persons written in each
        self.last: tuple[int, np.ndarray, np.ndarray] | None = None  # (chunk, persons, 記載順位)

    def number(self, chunk: int, persons: np.ndarray, keys: pa.Array, order: np.ndarray) -> np.ndarray:
        """記載順位 of ``persons`` (written in ``order``); ``keys[i]`` names person i's 戸籍."""
        if self.last is not None and self.last[0] == chunk:
            return self.last[2]  # the same chunk built again (another form): same numbers
        h = string_hashes(keys)
        uniq, inv = np.unique(h, return_inverse=True)
        pos = np.searchsorted(self.keys, uniq)
        found = pos < self.keys.shape[0]
        found[found] = self.keys[pos[found]] == uniq[found]
        offset = np.zeros(uniq.shape[0], np.int64)
        offset[found] = self.counts[pos[found]]
        # rank within the 戸籍 in write order
        write_pos = np.empty(inv.shape[0], np.int64)
        write_pos[order] = np.arange(inv.shape[0])
        o = np.lexsort((write_pos, inv))
        rank = np.empty(inv.shape[0], np.int64)
        rank[o] = np.arange(inv.shape[0]) - np.searchsorted(inv[o], inv[o]) + 1
        juni = offset[inv] + rank
        size = np.bincount(inv, minlength=uniq.shape[0])
        self.counts[pos[found]] += size[found]
        keys_all = np.concatenate([self.keys, uniq[~found]])
        counts_all = np.concatenate([self.counts, size[~found]])
        o = np.argsort(keys_all, kind="stable")
        self.keys, self.counts = keys_all[o], counts_all[o]
        self.last = (chunk, persons, juni)
        return juni


_B = np.uint64(0x100000001B3)  # FNV-style multiplier; any odd 64-bit constant would do


def string_hashes(keys: pa.Array) -> np.ndarray:
    """64-bit hashes of Arrow strings, vectorized over the UTF-8 buffer (no per-string Python).

    A polynomial hash mod 2**64 of the bytes plus the length, then a splitmix64 finaliser;
    deterministic across runs and processes (unlike ``hash()``). Equal strings, equal hashes;
    a collision of two different 戸籍 keys has a chance of about n**2 / 2**65.
    """
    keys = keys.cast(pa.string())
    n = len(keys)
    if n == 0:
        return np.zeros(0, np.uint64)
    buf_offsets, buf_data = keys.buffers()[1], keys.buffers()[2]
    offsets = np.frombuffer(buf_offsets, np.int32, n + 1, keys.offset * 4).astype(np.int64)
    raw = np.frombuffer(buf_data, np.uint8) if buf_data is not None else np.zeros(0, np.uint8)
    data = raw[offsets[0] : offsets[-1]].astype(np.uint64)
    offsets -= offsets[0]
    lengths = np.diff(offsets)
    owner = np.repeat(np.arange(n), lengths)
    pos = np.arange(data.shape[0]) - offsets[:-1][owner]
    powers = np.cumprod(np.full(max(int(lengths.max()), 1), _B, np.uint64))  # B**1, B**2, … (wrapping)
    with np.errstate(over="ignore"):
        terms = (data + np.uint64(1)) * powers[pos]
        if lengths.min() > 0:
            h = np.add.reduceat(terms, offsets[:-1]) if terms.shape[0] else np.zeros(n, np.uint64)
        else:  # reduceat cannot give an empty string its 0
            h = np.zeros(n, np.uint64)
            np.add.at(h, owner, terms)
        h ^= lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return h


_NUMBERING: dict[int, KosekiNumbering] = {}


def _numbering(w: World) -> KosekiNumbering:
    k = id(w)
    if k not in _NUMBERING:
        _NUMBERING[k] = KosekiNumbering()
        weakref.finalize(w, _NUMBERING.pop, k, None)
    return _NUMBERING[k]


def koseki_members(w: World, c: Chunk) -> dict[str, object]:
    """The chunk's Japanese persons with their 本籍, 筆頭者 and 記載順位 (golden strings, cached)."""

    def make() -> dict[str, object]:
        pp = c.pp
        p = np.flatnonzero(~pp["foreign"])
        head = np.flatnonzero(pp["pos"] == 0)[pp["h_of"][p]]
        honseki = join(pick(honseki_town(w, c, "golden"), pp["h_of"][p]), _ban_banchi(pp["prev_ban"][p]))
        hittosha = pick(w.names(c, "golden")["shimei"], head)
        keys = join(honseki, hittosha, sep="\t")
        # write order: by household, the 筆頭者 (head) first, then by position in the household
        order = np.lexsort((pp["pos"][p], pp["h_of"][p]))
        juni = _numbering(w).number(c.number, p, keys, order)
        return {"p": p, "head": head, "honseki": honseki, "hittosha": hittosha, "juni": juni}

    return w._cached(c, "koseki", make)


_RANK = ("長", "二", "三", "四", "五", "六", "七", "八", "九")


@builder("koseki.koseki", ("honseki", "hittosha_shimei", "shi", "mei"))
def koseki(w: World, c: Chunk, form: str) -> Rows:
    k = koseki_members(w, c)
    pp = c.pp
    p: np.ndarray = k["p"]  # type: ignore[assignment]
    head: np.ndarray = k["head"]  # type: ignore[assignment]
    n = p.shape[0]
    nm = w.names(c, form)
    h = pp["h_of"][p]
    spouse = np.minimum(head + 1, pp["pid"].shape[0] - 1)
    has_spouse = (pp["h_of"][spouse] == h) & (pp["role"][spouse] == SPOUSE)
    child = pp["role"][p] == CHILD
    head_male = pp["male"][head]
    other = where(has_spouse, pick(nm["shimei"], spouse), "")
    # 父母との続柄 of children: 長男, 二女 … by birth order among the household's children of that sex
    male = pp["male"][p]
    kids = np.flatnonzero(child)
    grp = h[kids] * 2 + male[kids]
    o = np.lexsort((pp["birth"][p[kids]], grp))
    rank = np.zeros(n, np.int64)
    rank[kids[o]] = np.arange(kids.shape[0]) - np.searchsorted(grp[o], grp[o])
    dead = pp["state"][p] == DEAD
    hensei = day("1960-01-01") + (pp["hid"][p] * 7919) % 20_000
    o_place = pp["atena_no"][p] % 8
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "honseki": k["honseki"],  # type: ignore[dict-item]
            "hittosha_shimei": k["hittosha"],  # type: ignore[dict-item]
            "kisai_juni": s(k["juni"]),  # type: ignore[arg-type]
            "hensei_ymd": iso(np.minimum(hensei, REF_DAY)),
            "shi": pick(nm["shi"], p),
            "mei": pick(nm["mei"], p),
            "shimei_furigana": pick(nm["shimei_kana"], p),
            "seinengappi": partial_iso(pp["birth"][p], pp["unk"][p]),
            "seinengappi_fusho_flag": flag(pp["unk"][p] > 0),
            "seibetsu": where(male, w.code("seibetsu", "男"), w.code("seibetsu", "女")),
            "chichi_shimei": where(child, where(head_male, pick(nm["shimei"], head), other), ""),
            "haha_shimei": where(child, where(head_male, other, pick(nm["shimei"], head)), ""),
            "fubo_zokugara": where(
                child, join(pick(list(_RANK), np.minimum(rank, len(_RANK) - 1)), where(male, "男", "女")), ""
            ),
            "shusseichi": where(
                pp["born_here"][p],
                w.muni.prefecture + w.muni.city,
                join(pick(w.other_places[1], o_place), pick(w.other_places[2], o_place)),
            ),
            "zaiseki_kubun": where(dead, w.code("koseki_zaiseki", "除籍"), w.code("koseki_zaiseki", "在籍")),
            "joseki_ymd": date_or_blank(pp["out_day"][p], dead),
            "joseki_jiyu": where(dead, w.code("koseki_joseki_jiyu", "死亡"), ""),
        },
        p,
        h,
        n,
    )


_JIYU = ("出生", "転入", "転居", "転出")


@builder("koseki.fuhyo", ("honseki", "hittosha_shimei", "shimei", "jusho"))
def fuhyo(w: World, c: Chunk, form: str) -> Rows:
    """附票: each 戸籍 member's addresses — the first (出生/転入), a 転居, a 転出 to another town."""
    k = koseki_members(w, c)
    pp = c.pp
    p0: np.ndarray = k["p"]  # type: ignore[assignment]
    moved_out = pp["state"][p0] == MOVED_OUT
    relocated = pp["relocated"][p0]
    rows = 1 + relocated.astype(np.int64) + moved_out
    j = np.repeat(np.arange(p0.shape[0]), rows)  # index into the 戸籍 members
    step = np.arange(j.shape[0]) - np.repeat(np.cumsum(rows) - rows, rows)
    p = p0[j]
    n = p.shape[0]
    h = pp["h_of"][p]
    kind = np.where(step == 0, np.where(pp["born_here"][p], 0, 1), np.where((step == 1) & relocated[j], 2, 3))
    teijo = np.select([kind == 2, kind == 3], [pp["move_day"][p], pp["out_day"][p]], pp["in_day"][p])
    ad = w.address(c, form)
    town = w.muni.prefecture + w.muni.city
    here = join(town, pick(ad["machiaza"], h), pick(ad["banchi"], h))
    pt, pch = pp["prev_town"][p], pp["prev_chome"][p]
    before = join(
        town,
        w.machiaza_vocab("plain").take(pt * 10 + pch),
        banchi_strings(pp["prev_ban"][p], pp["prev_go"][p], pch > 0),
    )
    place = (pp["atena_no"][p] % 8 + 3) % 8  # the 転出先 of juki.jumin
    away = join(pick(w.other_places[1], place), pick(w.other_places[2], place))
    first_at_prev = (kind <= 1) & relocated[j]
    jusho = where(kind == 3, away, where(first_at_prev, before, here))
    latest = step == rows[j] - 1
    jiyu_codes = pa.array([w.code("fuhyo_kisai_jiyu", x) for x in _JIYU])
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "honseki": k["honseki"].take(pa.array(j)),  # type: ignore[attr-defined]
            "hittosha_shimei": k["hittosha"].take(pa.array(j)),  # type: ignore[attr-defined]
            "kisai_juni": s(k["juni"][j]),  # type: ignore[index]
            "fuhyo_rireki_no": s(step + 1),
            "saishin_flag": flag(latest),
            "shimei": pick(w.names(c, form)["shimei"], p),
            "seinengappi": partial_iso(pp["birth"][p], pp["unk"][p]),
            "seinengappi_fusho_flag": flag(pp["unk"][p] > 0),
            "seibetsu": where(pp["male"][p], w.code("seibetsu", "男"), w.code("seibetsu", "女")),
            "juminhyo_code": zfill(pp["juminhyo"][p], 11),
            "jusho": jusho,
            "jusho_teijo_ymd": iso(teijo),
            "kisai_jiyu": pick(jiyu_codes, kind),
            "kisai_ymd": iso(np.minimum(teijo + pp["atena_no"][p] % 14, REF_DAY)),
        },
        p,
        h,
        n,
    )
