"""The run's shared context: municipality, layouts and code tables, name/address tables
with their 外字 forms, and per-chunk derived data (membership, names in each form).

``form`` is ``"golden"`` (the real characters, UCS + IVS) or a vendor name (the same
strings with that vendor's PUA 外字 codes). Only a few text items differ between forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec.model import CodeTable, Layout
from . import foreign
from .arrow_util import blank, const, join, patch, pick, where, zfill
from .gaiji import GaijiForms, builtin_variants, mj_variants
from .linked import income, membership
from .population import Chunk, Population
from .reference import Municipality, family_names, given_names

# 近隣 municipalities for 転入前/転出先 addresses and 本籍 (real codes; CD computed)
OTHER_PLACES: tuple[tuple[str, str, str], ...] = (
    ("13101", "東京都", "千代田区"),
    ("14100", "神奈川県", "横浜市"),
    ("27100", "大阪府", "大阪市"),
    ("23100", "愛知県", "名古屋市"),
    ("01100", "北海道", "札幌市"),
    ("40130", "福岡県", "福岡市"),
    ("11100", "埼玉県", "さいたま市"),
    ("26100", "京都府", "京都市"),
)
BUILDINGS = ("メゾン", "コーポ", "ハイツ", "グランドハイツ", "パークハウス", "レジデンス")
KANSUJI = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九")


def load_layouts(ids: list[str]) -> dict[str, Layout]:
    """Layouts by id: the spec registry when present, else the YAML files directly."""
    from ..spec.registry import load_layout

    return {i: load_layout(i).spec for i in ids}


def available_layouts() -> list[str]:
    from ..spec.registry import layout_ids

    return list(layout_ids())


def load_codes() -> dict[str, CodeTable]:
    from ..spec.registry import all_codes

    return dict(all_codes())


@dataclass
class World:
    seed: int
    muni: Municipality
    pop: Population
    gaiji: GaijiForms
    gaiji_share: float
    codes: dict[str, CodeTable]
    layouts: dict[str, Layout]
    vendors: list[str]
    _cache: dict[tuple[int, str], Any] = field(default_factory=dict)
    _vocabs: dict[str, pa.Array] = field(default_factory=dict)  # per run: strings by small-int keys

    @classmethod
    def create(
        cls,
        seed: int,
        muni: Municipality,
        layouts: dict[str, Layout],
        vendors: list[str],
        gaiji_share: float,
        mj_list: str | Path | None = None,
    ) -> World:
        pop = Population(seed, muni)
        fam = family_names()
        wanted = {ch for s in fam.kanji for ch in s} | {ch for s in muni.town for ch in s}
        variants = mj_variants(mj_list, wanted) if mj_list else builtin_variants()
        w = cls(
            seed, muni, pop, GaijiForms(variants, vendors, seed), gaiji_share, load_codes(), layouts, vendors
        )
        w._tables()
        return w

    # -- code lookups ----------------------------------------------------------------------
    def code(self, table: str, name: str) -> str:
        """The code whose Japanese name is ``name`` in ``table``."""
        for v in self.codes[table].values:
            if v.name == name:
                return v.code
        raise KeyError(f"code table {table}: no value named {name!r}")

    @cached_property
    def dantai6(self) -> str:
        return self.muni.dantai_code

    @cached_property
    def gengo_codes(self) -> pa.Array:
        from .calendar import ERA_NAMES

        return pa.array([self.code("gengo", n) for n in ERA_NAMES])

    @cached_property
    def other_places(self) -> tuple[pa.Array, pa.Array, pa.Array]:
        from .ids import dantai_cd

        return (
            pa.array([c + str(dantai_cd(c)) for c, _, _ in OTHER_PLACES]),
            pa.array([p for _, p, _ in OTHER_PLACES]),
            pa.array([n for _, _, n in OTHER_PLACES]),
        )

    # -- name and address tables in every form ---------------------------------------------
    def _tables(self) -> None:
        fam = family_names()
        self.fam_has, fam_golden, fam_vendor = self.gaiji.forms(fam.kanji)
        self.town_has, town_golden, town_vendor = self.gaiji.forms(self.muni.town)
        self.fam_forms = {
            "golden": pa.array(fam_golden, pa.string()),
            "plain": pa.array(fam.kanji, pa.string()),
        }
        self.town_forms = {
            "golden": pa.array(town_golden, pa.string()),
            "plain": pa.array(self.muni.town, pa.string()),
        }
        for v in self.vendors:
            self.fam_forms[v] = pa.array(fam_vendor[v], pa.string())
            self.town_forms[v] = pa.array(town_vendor[v], pa.string())
        self.fam_kana = pa.array(fam.kana, pa.string())
        g_m, g_f = given_names("m"), given_names("f")
        self.given_kanji = (pa.array(g_m.kanji, pa.string()), pa.array(g_f.kanji, pa.string()))
        self.given_kana = (pa.array(g_m.kana, pa.string()), pa.array(g_f.kana, pa.string()))
        _nat, rom, kana, kanji = foreign.family_tables()
        self.ffam = (pa.array(rom, pa.string()), pa.array(kana, pa.string()), pa.array(kanji, pa.string()))
        self.fgiven = tuple(
            (pa.array([g[0] for g in t]), pa.array([g[1] for g in t]), pa.array([g[2] for g in t]))
            for t in (foreign.GIVEN_M, foreign.GIVEN_F)
        )
        # chance that a name/町字 able to carry a 外字 carries one, so that ≈ share of all do
        rate_f = float((family_names().p * self.fam_has).sum()) or 1.0
        self.p_fam = min(1.0, self.gaiji_share / rate_f)
        rate_t = float(self.town_has.mean()) or 1.0
        self.p_town = min(1.0, self.gaiji_share / rate_t)

    # -- per chunk ---------------------------------------------------------------------------
    def _cached(self, c: Chunk, key: str, make: Any) -> Any:
        k = (c.number, key)
        if k not in self._cache:
            if self._cache and next(iter(self._cache))[0] != c.number:
                self._cache.clear()  # one chunk at a time: memory stays flat
            self._cache[k] = make()
        return self._cache[k]

    def member(self, c: Chunk) -> dict[str, np.ndarray]:
        return self._cached(c, "member", lambda: membership(c, self.seed))

    def income(self, c: Chunk) -> dict[str, np.ndarray]:
        return self._cached(c, "income", lambda: income(c, self.member(c), self.seed))

    def gaiji_masks(self, c: Chunk) -> tuple[np.ndarray, np.ndarray]:
        """(person's family name carries a 外字, household's 町字 carries a 外字)."""

        def make() -> tuple[np.ndarray, np.ndarray]:
            rng = np.random.default_rng([self.seed, c.number, 0x6A2])
            fam_m = self.fam_has[c.pp["fam"]] & ~c.pp["foreign"] & (rng.random(c.n_persons) < self.p_fam)
            town_m = self.town_has[c.hh["town"]] & (rng.random(c.hh["town"].shape[0]) < self.p_town)
            return fam_m, town_m

        return self._cached(c, "gaiji", make)

    def names(self, c: Chunk, form: str) -> dict[str, pa.Array]:
        """Per person: shi, mei, shimei, kana forms and romaji, in ``form``."""
        return self._cached(c, "names:" + form, lambda: self._names(c, form))

    def _names(self, c: Chunk, form: str) -> dict[str, pa.Array]:
        pp = c.pp
        fam_m, _ = self.gaiji_masks(c)
        fam_idx = pp["fam"]
        shi = pick(self.fam_forms["plain"], fam_idx)
        if form != "plain":  # the 外字 variant only where this person's name carries one
            rows = np.flatnonzero(fam_m)
            shi = patch(shi, rows, pick(self.fam_forms[form], fam_idx[rows]))
        female = ~pp["male"]
        g = pp["given"]
        # given names: one take from the male list followed by the female list
        (km, kf), (am, af) = self.given_kanji, self.given_kana
        mei = pa.concat_arrays([km, kf]).take(np.where(female, len(km) + g % len(kf), g % len(km)))
        mei_kana = pa.concat_arrays([am, af]).take(np.where(female, len(am) + g % len(af), g % len(am)))
        shi_kana = pick(self.fam_kana, fam_idx)
        romaji = blank(len(fam_idx))
        sep = const("　", len(fam_idx))
        # foreign residents (a few percent): built on their rows only, patched in
        fr = np.flatnonzero(pp["foreign"])
        if fr.shape[0]:
            fem = female[fr]
            ffam, fg = pp["ffam"][fr], pp["fgiven"][fr]
            f_rom, f_kana, f_kanji = (pick(t, ffam) for t in self.ffam)
            gm, gf = self.fgiven
            fg_rom, fg_kana, fg_kanji = (
                where(fem, pick(gf[k], fg % len(gf[k])), pick(gm[k], fg % len(gm[k]))) for k in range(3)
            )
            has_kanji = np.asarray(
                pc.and_(pc.not_equal(f_kanji, ""), pc.not_equal(fg_kanji, "")).to_numpy(zero_copy_only=False),
                dtype=bool,
            )
            shi = patch(shi, fr, where(has_kanji, f_kanji, f_rom))
            mei = patch(mei, fr, where(has_kanji, fg_kanji, fg_rom))
            romaji = patch(romaji, fr, join(f_rom, fg_rom, sep=" "))
            shi_kana = patch(shi_kana, fr, f_kana)
            mei_kana = patch(mei_kana, fr, fg_kana)
            sep = patch(sep, fr, where(~has_kanji, " ", "　"))
        return {
            "shi": shi,
            "mei": mei,
            "shimei": join(shi, sep, mei),
            "shi_kana": shi_kana,
            "mei_kana": mei_kana,
            "shimei_kana": join(shi_kana, "　", mei_kana),
            "romaji": romaji,
        }

    def address(self, c: Chunk, form: str) -> dict[str, pa.Array]:
        """Per household: 町字 (in ``form``), 番地号表記, 方書, 郵便番号, 町字コード."""
        return self._cached(c, "addr:" + form, lambda: self._address(c, form))

    def _address(self, c: Chunk, form: str) -> dict[str, pa.Array]:
        hh = c.hh
        _, town_m = self.gaiji_masks(c)
        town = hh["town"]
        chome = hh["chome"]
        # 町字 (+ 丁目) from a vocabulary of every (form, town, 丁目): one take per household
        idx = town * 10 + chome
        if form != "plain":
            idx = np.where(town_m, idx + len(self.town_forms["plain"]) * 10, idx)
        machiaza = self.machiaza_vocab(form).take(idx)
        banchi = banchi_strings(hh["ban"], hh["go"], chome > 0)
        kat = hh["katagaki"]
        # 方書 on the few households that have one: built for those rows only, blank elsewhere
        rows = np.flatnonzero(kat >= 0)
        bld = join(
            pick(list(BUILDINGS), kat[rows]),
            pick(self.town_forms["plain"], town[rows]),
            "　",
            room_vocab().take(hh["room"][rows]),
            "号",
        )
        katagaki = patch(blank(len(town)), rows, bld)
        return {
            "machiaza": machiaza,
            "banchi": banchi,
            "katagaki": katagaki,
            "yubin": pick(self.postal, town),
            "machiaza_code": zfill(town * 1000 + chome, 7),
        }

    @cached_property
    def postal(self) -> pa.Array:
        return pa.array(self.muni.postal, pa.string())

    def machiaza_vocab(self, form: str) -> pa.Array:
        """町字 (+ 漢数字 丁目) for index ``town*10 + chome`` in plain form, then the same in ``form``."""
        key = "machiaza:" + form
        v = self._vocabs.get(key)
        if v is None:
            parts = []
            for f in ("plain",) if form == "plain" else ("plain", form):
                towns = np.repeat(np.arange(len(self.town_forms[f])), 10)
                ch = np.tile(np.arange(10), len(self.town_forms[f]))
                name = pick(self.town_forms[f], towns)
                parts.append(pc.if_else(pa.array(ch > 0), join(name, pick(list(KANSUJI), ch), "丁目"), name))
            v = self._vocabs[key] = pa.concat_arrays(parts)
        return v


_BAN, _GO = 100, 100  # 番 and 号 below these come from the vocabulary


def banchi_strings(ban: np.ndarray, go: np.ndarray, chome: np.ndarray) -> pa.Array:
    """``{ban}番{go}号`` (丁目 towns) or ``{ban}番地{go}``: a take from a vocabulary when in range."""
    if ban.shape[0] and (int(ban.max()) >= _BAN or int(go.max()) >= _GO or int(min(ban.min(), go.min())) < 0):
        from .arrow_util import s

        return where(chome, join(s(ban), "番", s(go), "号"), join(s(ban), "番地", s(go)))
    return banchi_vocab().take((np.asarray(chome, dtype=np.int64) * _BAN + ban) * _GO + go)


@cache
def banchi_vocab() -> pa.Array:
    return pa.array(
        [f"{b}番{g}号" if c else f"{b}番地{g}" for c in (0, 1) for b in range(_BAN) for g in range(_GO)],
        pa.string(),
    )


@cache
def room_vocab() -> pa.Array:
    """Room numbers 0–9999 in full-width digits (方書 as clerks write them)."""
    zen = str.maketrans("0123456789", "０１２３４５６７８９")
    return pa.array([str(i).translate(zen) for i in range(10_000)], pa.string())
