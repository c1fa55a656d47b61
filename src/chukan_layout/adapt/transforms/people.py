"""Names and addresses: split/join on U+3000, address assembly, the small-kana flag.

氏名 = 姓 + U+3000 + 名 (legacy half-width kana uses an ASCII space).  Nothing here
normalizes a name: characters pass through as they are (外字 PUA and IVS included).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from .. import codes
from .base import Context, Transform, TransformArgs, as_str, register_transform
from .text import Join, split_first

IDEOGRAPHIC_SPACE = "\u3000"


@register_transform
class NameSplit(Transform):
    """Take 姓 (``part: sei``) or 名 (``part: mei``) from a full name split at the first ``sep``.

    Example: ``- name_split: sei`` — ``"山田　太郎"`` → ``"山田"``; with ``mei`` → ``"太郎"``;
    ``{part: mei, sep: " "}`` on ``"ﾔﾏﾀﾞ ﾀﾛｳ"`` → ``"ﾀﾛｳ"``. A name without ``sep`` is all 姓 (名 = "").
    """

    name = "name_split"
    value_wise = True
    primary = "part"

    class Args(TransformArgs):
        part: Literal["sei", "mei"]
        sep: str = Field(IDEOGRAPHIC_SPACE, min_length=1)

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        a = self.args
        return split_first(as_str(inputs[0]), a.sep, 0 if a.part == "sei" else 1)


@register_transform
class NameJoin(Transform):
    """Join 姓 and 名 with ``sep`` (U+3000 by default); a blank 名 gives just the 姓.

    Example: ``{from: [sei, mei], steps: [name_join]}`` — (``"山田"``, ``"太郎"``) → ``"山田　太郎"``;
    (``"髙橋"``, ``""``) → ``"髙橋"``.
    """

    name = "name_join"
    arity = 2
    primary = "sep"

    class Args(TransformArgs):
        sep: str = IDEOGRAPHIC_SPACE

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        return Join(Join.Args(sep=self.args.sep, skip_blank=True)).apply(inputs, ctx)


@register_transform
class Address(Transform):
    """Assemble an address from parts: the ``sep`` goes only before the last ``building_parts`` parts.

    Example: ``{from: [jusho, banchi, katagaki], steps: [{address: {building_parts: 1}}]}`` —
    (``"東京都千代田区千代田"``, ``"１－１"``, ``"千代田ハイツ１０１"``) →
    ``"東京都千代田区千代田１－１　千代田ハイツ１０１"``; blank parts are left out with their separator.
    """

    name = "address"
    arity = None

    class Args(TransformArgs):
        building_parts: int = Field(1, ge=0)  # trailing parts (方書) set off by sep
        sep: str = IDEOGRAPHIC_SPACE

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        a = self.args
        k = min(a.building_parts, len(inputs) - 1)
        head_inputs = inputs[: len(inputs) - k]
        head = Join(Join.Args(sep="")).apply(head_inputs, ctx)
        if k == 0:
            return head
        return Join(Join.Args(sep=a.sep, skip_blank=True)).apply([head, *inputs[len(inputs) - k :]], ctx)


# Where a large kana stands where a small one is usual.  きよこ (ｷﾖｺ) and マツダ are real names, so this
# is a review flag, never a correction.  "likely": ｷﾖｳｺ (拗音), ﾂ before a voiceless consonant (促音),
# ﾌｱ/ｼｴ/ﾁｴ (foreign sounds); "any" adds ｳｲ/ｳｴ/ｳｵ, ﾃｲ/ﾃﾞｲ and ﾄｳ/ﾄﾞｳ, which are very often genuine.
_VOICELESS = "ｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ"
SMALL_KANA_PATTERNS = {
    "likely": rf"[ｷｼﾁﾆﾋﾐﾘ]ﾞ?ﾟ?[ﾔﾕﾖ]|ﾂ[{_VOICELESS}]|ﾌ[ｱｲｴｵ]|[ｼﾁ]ﾞ?ｴ|[キシチニヒミリギジヂビピ][ヤユヨ]",
    "any": rf"[ｷｼﾁﾆﾋﾐﾘ]ﾞ?ﾟ?[ﾔﾕﾖ]|ﾂ[{_VOICELESS}]|ﾌ[ｱｲｴｵ]|[ｼﾁ]ﾞ?ｴ|ｳ[ｲｴｵ]|ﾃﾞ?ｲ|ﾄﾞ?ｳ"
    r"|[キシチニヒミリギジヂビピ][ヤユヨ]",
}


@register_transform
class SmallKanaFlag(Transform):
    """Flag values where a small kana may have been written large (``ｷﾖｳｺ``); the value is unchanged.

    Example: ``- small_kana_flag`` — ``"ｷﾖｳｺ"`` → ``"ｷﾖｳｺ"`` plus finding ``adapt.small_kana``;
    ``"ｷｮｳｺ"`` → unchanged, no finding. Never guesses きょうこ vs きようこ. ``level: likely`` (default)
    flags 拗音/促音-like spots (ｷﾖ, ﾂｸ, ﾌｱ, ﾁｴ); ``level: any`` also ｳｲ, ﾃｲ, ﾄﾞｳ (for a vendor known to
    enlarge every small kana; many more false alarms). ``pattern`` replaces the rule (RE2).
    **Off by default**: the step reports only with ``report: true`` (precision 21–28 % at recall
    93–100 % on the synthetic town and the name dataset: ``benchmarks/small_kana.py``, figures in
    this document's §3). Without it the step still declares the vendor habit (the exporter writes
    small kana large again for such a vendor).
    """

    name = "small_kana_flag"
    value_wise = True
    cost = 2
    primary = "level"

    class Args(TransformArgs):
        level: Literal["likely", "any"] = "likely"
        pattern: str | None = None
        report: bool = False  # list the values (adapt.small_kana); off by default, see the docstring

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        s = as_str(inputs[0])
        a = self.args
        if not a.report:
            return s
        hit = pc.match_substring_regex(s, a.pattern or SMALL_KANA_PATTERNS[a.level])
        mask = np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
        if mask.any():
            ctx.finding(codes.SMALL_KANA.code, mask, s)
        return s
