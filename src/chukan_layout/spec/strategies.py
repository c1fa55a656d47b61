"""Hypothesis strategies generated from a layout: valid records and targeted breakages.

    from chukan_layout.spec.strategies import valid_records, mutations
    @given(valid_records(load_layout("juki.jumin")))
    def test_accepts(rec): layout.model.model_validate(rec)

``valid_records`` builds records the layout's model accepts: valid check digits
(:func:`~chukan_layout.spec.checkdigits.make_valid`), code values from the tables, 西暦
dates (partial ``00`` dates with their 不詳 flag set), era codes agreeing with their
date, Japanese text from the item's charset (髙/﨑/IVS where it allows them), lengths in
the item's unit, and row rules satisfied by construction (a small solver repairs
``==``/``in``/``is_set``/``is_blank`` conditions; the rest is filtered).
``mutations`` yields ``(record, item_or_rule, expected_code)``: one targeted breakage.
The values of one item on their own (:func:`value_strategy`) are in :mod:`._value_strategies`.

Hypothesis is an optional extra: ``pip install 'chukan-layout[strategies]'`` (the ``dev``
extra includes it). Importing this module without it fails with that instruction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

try:  # an optional extra, as pandera does: nothing else of the package imports this module
    from hypothesis import assume
    from hypothesis import strategies as st
except ModuleNotFoundError as e:  # pragma: no cover - exercised in a subprocess by the tests
    raise ModuleNotFoundError(
        "chukan_layout.spec.strategies needs Hypothesis: pip install 'chukan-layout[strategies]'",
        name="hypothesis",
    ) from e

# (._value_strategies imports Hypothesis too: imported only here, after the check above)
from . import checkdigits, expr, wareki
from ._value_strategies import dates, units_for, value_strategy
from .model import Charset, ItemType, LengthUnit
from .records import full_date, value_length

_FIRST = wareki.FIRST_DAY


# --- record construction --------------------------------------------------------------


def _fix_dates(draw: Any, loaded: Any, rec: dict[str, str]) -> None:
    """Partial dates get their flag; era codes follow their date."""
    for ic in loaded.checker.items:
        it = ic.item
        if it.partial_date is not None and rec.get(it.id):
            d = rec[it.id]
            if d.endswith("-00"):
                rec[it.partial_date.flag_item] = "1"
        if it.era_of is not None:
            x = full_date(rec.get(it.era_of, ""))
            if x is not None and x >= _FIRST and (rec.get(it.id) or it.required):
                era = wareki.era_of(x)
                codes = [c for c, e in ic.era_by_code.items() if e == era]
                assume(codes)
                rec[it.id] = codes[0]


def _satisfy(draw: Any, loaded: Any, rec: dict[str, str], node: expr.Node, want: bool) -> None:
    """Nudge ``rec`` so ``node`` evaluates to ``want`` (best effort; the caller re-checks)."""
    items = {ic.item.id: ic.item for ic in loaded.checker.items}

    def blank_or(x: str, fn: Callable[[], str]) -> None:
        rec[x] = "" if not items[x].required else fn()

    if isinstance(node, expr.Not):
        return _satisfy(draw, loaded, rec, node.operand, not want)
    if isinstance(node, expr.BoolOp):
        if (node.op == "and") == want:
            _satisfy(draw, loaded, rec, node.left, want)
            _satisfy(draw, loaded, rec, node.right, want)
        else:
            side = node.left if draw(st.booleans()) else node.right
            _satisfy(draw, loaded, rec, side, want)
        return None
    if (
        isinstance(node, expr.Call)
        and node.func in ("is_set", "is_blank")
        and isinstance(node.args[0], expr.Name)
    ):
        x = node.args[0].id
        if (node.func == "is_set") == want:
            rec[x] = draw(value_strategy(loaded, x))
        elif not items[x].required:
            rec[x] = ""
        return None
    if (
        isinstance(node, expr.Compare)
        and node.op in ("==", "!=")
        and isinstance(node.left, expr.Name)
        and isinstance(node.right, expr.Str)
    ):
        x, lit = node.left.id, node.right.value
        if (node.op == "==") == want:
            rec[x] = lit
        elif rec.get(x, "") == lit:
            blank_or(x, lambda: draw(value_strategy(loaded, x).filter(lambda v: v != lit)))
        return None
    if (
        isinstance(node, expr.In)
        and isinstance(node.left, expr.Name)
        and all(isinstance(o, expr.Str) for o in node.options)
    ):
        x = node.left.id
        opts = [o.value for o in node.options if isinstance(o, expr.Str)]
        if want != node.negated:
            rec[x] = draw(st.sampled_from(opts))
        elif rec.get(x, "") in opts:
            blank_or(x, lambda: draw(value_strategy(loaded, x).filter(lambda v: v not in opts)))
    return None


@st.composite
def valid_records(draw: Any, loaded: Any, blank_rate: float = 0.3) -> dict[str, str]:
    """Records (item id → string) that ``loaded.model`` accepts."""
    rec: dict[str, str] = {}
    for ic in loaded.checker.items:
        it = ic.item
        blank = not it.required and draw(st.floats(0, 1)) < blank_rate
        rec[it.id] = "" if blank else draw(value_strategy(loaded, it.id))
        if it.partial_date is not None and rec[it.id] and draw(st.integers(0, 4)) == 0:
            part = draw(st.sampled_from(it.partial_date.allow))
            rec[it.id] = rec[it.id][:5] + "00-00" if part == "month" else rec[it.id][:8] + "00"
    for _ in range(6):
        _fix_dates(draw, loaded, rec)
        failing = [rc for rc in loaded.checker.rules if rc.fails(rec)]
        if not failing:
            break
        for rc in failing:
            if rc.when is not None and draw(st.integers(0, 2)) == 0:
                _satisfy(draw, loaded, rec, rc.when, False)
            else:
                _satisfy(draw, loaded, rec, rc.check, True)
    _fix_dates(draw, loaded, rec)
    assume(not any(rc.fails(rec) for rc in loaded.checker.rules))
    return rec


# --- targeted breakages ---------------------------------------------------------------

_BAD_CHAR: dict[Charset, str] = {
    Charset.DIGITS: "x",
    Charset.ALNUM: "-",
    Charset.ASCII: "あ",
    Charset.HANKAKU: "あ",
    Charset.HANKAKU_KANA: "A",
    Charset.ZENKAKU: "A",
    Charset.ZENKAKU_KANA: "あ",
    Charset.JIS_X0208: "髙",
    Charset.JIS_X0213: "髙",
    Charset.CP932: "\ue000",
    Charset.MJ: "\ue000",
}


def _applicable(loaded: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for ic in loaded.checker.items:
        it = ic.item
        if it.required:
            out.append((it.id, "item.required"))
        if it.length is not None:
            out.append((it.id, "item.length"))
        if it.charset is not Charset.ANY:
            out.append((it.id, "item.charset"))
        if ic.type_re is not None:
            out.append((it.id, "item.type"))
        if it.type is ItemType.DATE:
            out.append((it.id, "item.date"))
        if ic.codes is not None:
            out.append((it.id, "item.code"))
        if it.pattern is not None:
            out.append((it.id, "item.pattern"))
        if it.check_digit is not None:
            out.append((it.id, "item.check_digit"))
        if it.era_of is not None and len(set(ic.era_by_code.values())) > 1:
            out.append((it.id, "item.era_mismatch"))
    out += [(f"rule:{rc.rule.id}", "row.rule") for rc in loaded.checker.rules]
    return out


def mutation_codes(loaded: Any) -> list[str]:
    """The finding codes :func:`mutations` can produce for this layout."""
    return sorted({code for _, code in _applicable(loaded)})


@st.composite
def mutations(draw: Any, loaded: Any, code: str | None = None) -> tuple[dict[str, str], str, str]:
    """``(record, item id or rule:<id>, expected finding code)``: a valid record broken once
    (only breakages of finding ``code`` if given)."""
    rec = draw(valid_records(loaded))
    options = [o for o in _applicable(loaded) if code is None or o[1] == code]
    if not options:
        raise ValueError(
            f"{loaded.id}: no item can be broken with {code!r}; possible: {mutation_codes(loaded)}"
        )
    loc, code = draw(st.sampled_from(options))
    if code == "row.rule":
        rc = next(r for r in loaded.checker.rules if f"rule:{r.rule.id}" == loc)
        if rc.when is not None:
            _satisfy(draw, loaded, rec, rc.when, True)
        _satisfy(draw, loaded, rec, rc.check, False)
        assume(rc.fails(rec))
        return rec, loc, code
    ic = next(c for c in loaded.checker.items if c.item.id == loc)
    it = ic.item
    v = rec[loc] or draw(value_strategy(loaded, loc))
    if code == "item.required":
        v = ""
    elif code == "item.length":
        assert it.length is not None
        filler = "1" if it.type is not ItemType.TEXT else (units_for(it.charset) or ("A",))[0]
        if it.length.min is not None and it.length.min > 1 and draw(st.booleans()):
            v = v[: it.length.min - 1] if it.length.unit is LengthUnit.CHARS else v[:0] or filler
            assume(v != "" and value_length(v, it) < it.length.min)
        while value_length(v, it) <= it.length.max:
            v += filler
    elif code == "item.charset":
        v = _BAD_CHAR[it.charset] + v
    elif code == "item.type":
        v = "x" + v
    elif code == "item.date":
        bad = ["2023-02-30", "1989-13-01", "19890107", "0000-01-01", "2019-00-05"]
        if it.nonexistent == "keep":  # a day the calendar lacks is item.date_nonexistent there
            bad.remove("2023-02-30")
        v = draw(st.sampled_from(bad))
    elif code == "item.code":
        assert ic.codes is not None
        v = next(c for c in ("ZZ", "99", "999", "X", "00", "0000") if c not in ic.codes)
    elif code == "item.pattern":
        assert it.pattern is not None
        v = draw(st.sampled_from([v + "#", "#" + v, "#"]))
        assume(not re.fullmatch(it.pattern, v, re.ASCII))
    elif code == "item.check_digit":
        i = 0 if checkdigits.get_algorithm(it.check_digit or "").cd_first else len(v) - 1
        v = v[:i] + str((int(v[i]) + draw(st.integers(1, 9))) % 10) + v[i + 1 :]
    elif code == "item.era_mismatch":
        assert it.era_of is not None
        x = full_date(rec.get(it.era_of, ""))
        if x is None or x < _FIRST:
            x = draw(dates(_FIRST))
            rec[it.era_of] = x.isoformat()
        # a shared boundary day (1912-07-30, 1926-12-25) belongs to both eras: neither is wrong
        wrong = sorted(c for c, e in ic.era_by_code.items() if e not in wareki.eras_of(x))
        v = draw(st.sampled_from(wrong))
    rec[loc] = v
    return rec, loc, code
