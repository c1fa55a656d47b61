"""spec._value_strategies: one item's values, valid on their own — sample text within the item's
charset (髙/﨑, 〜/～, ﾊﾟ, IVS, PUA 外字 only where allowed), era-boundary dates, each layout's own codes."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from chukan_layout.spec._value_strategies import dates, units_for, value_strategy
from chukan_layout.spec.charsets import invalid_chars
from chukan_layout.spec.model import Charset
from chukan_layout.spec.records import value_length
from chukan_layout.spec.registry import LoadedLayout, load_layout

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def test_units_stay_within_their_charset() -> None:
    for cs in Charset:
        assert units_for(cs), cs
        assert not [u for u in units_for(cs) if invalid_chars(u, cs)], cs
    assert "髙" in units_for(Charset.MJ) and "髙" in units_for(Charset.CP932)
    assert "髙" not in units_for(Charset.JIS_X0208) and "﨑" not in units_for(Charset.JIS_X0208)
    assert "〜" in units_for(Charset.JIS_X0208) and "～" not in units_for(Charset.JIS_X0208)
    assert "ﾊﾟ" in units_for(Charset.HANKAKU_KANA) and "ﾊﾟ" not in units_for(Charset.ZENKAKU)
    assert "葛\U000e0100" in units_for(Charset.MJ) and "葛\U000e0100" not in units_for(Charset.CP932)
    assert "\ue000" in units_for(Charset.ANY) and "\ue000" not in units_for(Charset.CP932)  # 外字
    assert set("".join(units_for(Charset.DIGITS))) == set("0123456789")


@_SETTINGS
@given(st.data())
def test_every_item_value_passes_its_own_checks(jumin: LoadedLayout, data: st.DataObject) -> None:
    for ic in jumin.checker.items:
        v = data.draw(value_strategy(jumin, ic.item.id), label=ic.item.id)
        assert v != "" and not ic.check(v, {}), (ic.item.id, v)
        if ic.item.length is not None:
            assert value_length(v, ic.item) <= ic.item.length.max


def test_each_layout_draws_its_own_codes(jumin: LoadedLayout) -> None:
    """性別 codes differ between the fixture (1, 2, 9) and the shipped 住民 layout (1, 2); the cached
    strategy of one layout is never served to the other."""
    shipped = load_layout("juki.jumin")
    assert value_strategy(jumin, "seibetsu") is value_strategy(jumin, "seibetsu")  # cached
    assert find(value_strategy(jumin, "seibetsu"), lambda v: v == "9") == "9"

    @_SETTINGS
    @given(value_strategy(shipped, "seibetsu"))
    def only_shipped_codes(v: str) -> None:
        assert v in {"1", "2"}

    only_shipped_codes()


@_SETTINGS
@given(dates(date(1989, 1, 1), date(2019, 12, 31)))
def test_dates_stay_in_their_range(d: date) -> None:
    assert date(1989, 1, 1) <= d <= date(2019, 12, 31)


def test_dates_reach_the_era_boundaries() -> None:
    """平成 starts 1989-01-08 (昭和64年1月7日 the day before), 令和 2019-05-01 (平成31年4月30日)."""
    for day in (date(1989, 1, 7), date(1989, 1, 8), date(2019, 4, 30), date(2019, 5, 1)):
        assert find(dates(), lambda d, day=day: d == day) == day
