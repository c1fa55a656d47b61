"""和暦 and 西暦 date transforms: era boundaries, 元年, 不詳, sentinels, flagged overflow."""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.adapt.transforms.dates import Seireki, Wareki
from chukan_layout.spec import wareki as wk

ERAS = {"1": "明治", "2": "大正", "3": "昭和", "4": "平成", "5": "令和"}


def run_wareki(ctx, values, **kw):
    c = ctx(len(values))
    out = Wareki(Wareki.Args(eras=kw.pop("eras", ERAS), **kw)).apply([pa.array(values, pa.string())], c)
    return out.to_pylist(), c


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("3600214", "1985-02-14"),  # legacy-exports §2: 3600214 = 昭和60年2月14日
        ("3640107", "1989-01-07"),  # last day of 昭和
        ("4010108", "1989-01-08"),  # 平成元年
        ("4310430", "2019-04-30"),  # last day of 平成
        ("5010501", "2019-05-01"),  # 令和元年
        ("1010101", "1868-01-01"),
        ("2010730", "1912-07-30"),
        ("3011225", "1926-12-25"),
        ("4120229", "2000-02-29"),
    ],
)
def test_boundaries_and_gannen(ctx, raw: str, iso: str) -> None:
    out, c = run_wareki(ctx, [raw])
    assert out == [iso]
    assert c.findings.total() == 0


def test_after_era_end_is_flagged_not_shifted(ctx) -> None:
    out, c = run_wareki(ctx, ["4310501", "3640108", "5010430", "4320101"])
    assert out == ["2019-05-01", "1989-01-08", "2019-04-30", "2020-01-01"]
    assert c.findings.counts == {("adapt.era_overflow", "f.dat", "item"): 4}


def test_partial_dates_and_flag_item(ctx) -> None:
    out, c = run_wareki(
        ctx, ["3100000", "3100500", "3600214", "", "99999999"], flag_item="fl", sentinels=["99999999"]
    )
    assert out == ["1935-00-00", "1935-05-00", "1985-02-14", "", ""]
    assert c.side["fl"].to_pylist() == ["1", "1", "0", "0", "1"]
    assert c.findings.total() == 0


def test_flag_values_configurable(ctx) -> None:
    _, c = run_wareki(ctx, ["3100000", "3600214", ""], flag_item="fl", flag_values=("", "1"), flag_blank="")
    assert c.side["fl"].to_pylist() == ["1", "", ""]


def test_bad_dates_are_kept_and_reported(ctx) -> None:
    out, c = run_wareki(ctx, ["3600230", "9600214", "3000101", "36OO214", "3100010"])
    assert out == ["3600230", "9600214", "3000101", "36OO214", "3100010"]
    assert c.findings.counts[("adapt.date", "f.dat", "item")] == 5
    assert sorted(s.record for s in c.findings.samples[("adapt.date", "f.dat", "item")]) == [1, 2, 3, 4, 5]


def test_partial_not_allowed(ctx) -> None:
    out, c = run_wareki(ctx, ["3100000"], partial=False)
    assert out == ["3100000"] and c.findings.total() == 1


def test_vendor_specific_era_numbering_and_two_inputs(ctx) -> None:
    # one vendor numbers 昭和=2, 平成=3, 令和=4 (legacy-exports §2)
    c = ctx(2)
    t = Wareki(Wareki.Args(format="GYYMMDD", eras={"2": "昭和", "3": "平成", "4": "令和"}))
    out = t.apply([pa.array(["2", "4"]), pa.array(["600214", "010501"])], c)
    assert out.to_pylist() == ["1985-02-14", "2019-05-01"]


def test_letter_eras_and_separators(ctx) -> None:
    out, _ = run_wareki(ctx, ["S60.02.14", "H01.01.08"], format="GYY.MM.DD", eras={"S": "昭和", "H": "平成"})
    assert out == ["1985-02-14", "1989-01-08"]


def test_unknown_era_name_is_an_argument_error() -> None:
    with pytest.raises(ValueError, match="unknown era"):
        Wareki.Args(eras={"1": "慶応"})


@given(st.dates(min_value=date(1868, 1, 1), max_value=date(2099, 12, 31)))
def test_wareki_is_inverse_of_rendering(d: date) -> None:
    w = wk.to_wareki(d)
    code = {v: k for k, v in ERAS.items()}[w.era.name]
    raw = f"{code}{w.year:02d}{w.month:02d}{w.day:02d}"
    from chukan_layout.adapt.transforms.base import Context
    from chukan_layout.findings import FindingSet

    c = Context("f", "l", "i", pa.array([1], pa.int64()), FindingSet())
    out = Wareki(Wareki.Args(eras=ERAS)).apply([pa.array([raw])], c).to_pylist()
    assert out == [d.isoformat()]
    assert c.findings.total() == 0


@pytest.mark.parametrize(
    ("fmt", "raw", "iso"),
    [
        ("YYYYMMDD", "19850214", "1985-02-14"),
        ("YYYY/MM/DD", "1985/02/14", "1985-02-14"),
        ("YYYY/M/D", "1985/2/4", "1985-02-04"),
        ("YYYY-MM-DD", "2000-02-29", "2000-02-29"),
        ("YYYY年MM月DD日", "2019年05月01日", "2019-05-01"),
        ("YYYYMMDD", "19350000", "1935-00-00"),
    ],
)
def test_seireki_formats(ctx, fmt: str, raw: str, iso: str) -> None:
    c = ctx(1)
    assert Seireki(Seireki.Args(format=fmt)).apply([pa.array([raw])], c).to_pylist() == [iso]
    assert c.findings.total() == 0


def test_seireki_sentinels_and_invalid(ctx) -> None:
    c = ctx(5)
    t = Seireki(Seireki.Args(format="YYYYMMDD", sentinels=["00000000", "99999999"], flag_item="f"))
    out = t.apply([pa.array(["99999999", "00000000", "19000229", "20240229", "  "])], c)
    assert out.to_pylist() == ["", "", "19000229", "2024-02-29", ""]
    assert c.side["f"].to_pylist() == ["1", "1", "0", "0", "0"]
    assert c.findings.counts == {("adapt.date", "f.dat", "item"): 1}


@given(st.lists(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), max_size=20))
def test_seireki_roundtrip(ds: list[date]) -> None:
    from chukan_layout.adapt.transforms.base import Context
    from chukan_layout.findings import FindingSet

    c = Context("f", "l", "i", pa.array(range(len(ds)), pa.int64()), FindingSet())
    raw = pa.array([d.strftime("%Y%m%d").zfill(8) for d in ds], pa.string())
    out = Seireki(Seireki.Args(format="YYYYMMDD")).apply([raw], c).to_pylist()
    assert out == [f"{d.year:04d}-{d.month:02d}-{d.day:02d}" for d in ds]


def test_every_day_of_the_reiwa_switch(ctx) -> None:
    d0 = date(2019, 4, 25)
    days = [d0 + timedelta(days=i) for i in range(12)]
    raws = [("4" if d < date(2019, 5, 1) else "5") + f"{wk.to_wareki(d).year:02d}{d:%m%d}" for d in days]
    out, c = run_wareki(ctx, raws)
    assert out == [d.isoformat() for d in days] and c.findings.total() == 0


SWITCHES = st.one_of(
    st.dates(min_value=date(1988, 12, 20), max_value=date(1989, 1, 31)),  # 昭和64年1月7日 / 平成元年1月8日
    st.dates(min_value=date(2019, 4, 15), max_value=date(2019, 5, 15)),  # 平成31年4月30日 / 令和元年5月1日
)


@given(st.lists(st.tuples(SWITCHES, st.sampled_from("345"), st.booleans()), min_size=1, max_size=30))
def test_era_switches_against_the_calendar(rows: list[tuple[date, str, bool]]) -> None:
    """Differential: every day around the two switches, written under 昭和, 平成 and 令和 (and its
    不詳 day form), against :mod:`chukan_layout.spec.wareki`: the date is computed, never shifted,
    and ``adapt.era_overflow`` names exactly the records outside the era written (a year before
    the era's first year cannot be written in it and is left out)."""
    from chukan_layout.adapt.transforms.base import Context
    from chukan_layout.findings import FindingSet

    rows = [r for r in rows if r[0].year >= wk.get_era(ERAS[r[1]]).start.year]  # 令和 has no year -29
    raws, want, over = [], [], set()
    for rec, (d, code, fusho) in enumerate(rows, 1):
        era = wk.get_era(ERAS[code])
        end = wk.era_end(era) or date.max
        raws.append(f"{code}{d.year - era.start.year + 1:02d}{d:%m}{'00' if fusho else f'{d:%d}'}")
        want.append(f"{d:%Y-%m}-{'00' if fusho else f'{d:%d}'}")
        first, last = (
            (d.replace(day=1), (d.replace(day=28) + timedelta(days=4)).replace(day=1)) if fusho else (d, d)
        )
        if (last - timedelta(days=1) if fusho else last) < era.start or first > end:
            over.add(rec)
    fs = FindingSet(max_samples=None)
    c = Context("JUMIN.DAT", "juki.jumin", "seinengappi", pa.array(range(1, len(rows) + 1), pa.int64()), fs)
    out = Wareki(Wareki.Args(eras=ERAS, flag_item="fusho")).apply([pa.array(raws, pa.string())], c)
    assert out.to_pylist() == want
    assert c.side["fusho"].to_pylist() == ["1" if f else "0" for _, _, f in rows]
    got = {s.record for s in fs.samples.get(("adapt.era_overflow", "JUMIN.DAT", "seinengappi"), [])}
    assert got == over
    assert fs.total() == len(over)
