"""Tests for graphwarm.sources._dates: the date shapes of real files, month names in the
locales Excel re-saves in, and the per-file day/month order of :class:`DateColumn`."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphwarm import InputError
from graphwarm.sources._dates import (
    _MONTH_NAMES,
    DateColumn,
    month_number,
    parse_date,
    parse_month,
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("08 Feb 2023", "2023-02-08"),  # Connections.csv, 2020 on
        ("2024-05-01 09:30:12 UTC", "2024-05-01"),  # messages
        ("2023/04/02 10:11:12 UTC", "2023-04-02"),  # endorsements
        ("2023-02-08T10:11:12.123Z", "2023-02-08"),
        ("2023-02-08T10:11:12+01:00", "2023-02-08"),
        ("9/21/16, 3:29 AM", "2016-09-21"),  # LinkedIn 2018: month first
        ("3/12/18, 4:05 PM", "2018-03-12"),  # reads both ways: month first by default
        ("3/12/2018 16:05", "2018-03-12"),
        ("16.09.2021", "2021-09-16"),  # dd.mm.yyyy
        ("03.04.2022", "2022-04-03"),  # dots read both ways: day first by default
        ("9-May-22", "2022-05-09"),  # Excel re-save
        ("30-oct-09", "2009-10-30"),
        ("Feb 8, 2023", "2023-02-08"),
        ("8 February 2023", "2023-02-08"),
        ("3. Mai 2022", "2022-05-03"),  # German long date
        ("12 okt. 2021", "2021-10-12"),
        ("3. toukokuuta 2022", "2022-05-03"),  # Finnish long date (partitive)
        ("5/5/21", "2021-05-05"),  # the same both ways
    ],
)
def test_shapes_real_files_have(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "text", ["2021-16-09", "someday", "31/31/2021", "2/30/2021", "30-foo-21", "13.13.2021", "21"]
)
def test_not_a_date(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)


def test_empty_is_no_date() -> None:
    assert parse_date("") is None and parse_date("  ") is None and parse_date(None) is None


# What each locale's Excel writes for d-mmm-yy (Windows' abbreviations), and what other tools
# write (CLDR's, often with a dot).
EXCEL_MONTHS = {
    "sv": "jan feb mar apr maj jun jul aug sep okt nov dec",
    "nb": "jan feb mar apr mai jun jul aug sep okt nov des",
    "da": "jan feb mar apr maj jun jul aug sep okt nov dec",
    "fi": "tammi helmi maalis huhti touko kesä heinä elo syys loka marras joulu",
    "de": "Jan Feb Mrz Apr Mai Jun Jul Aug Sep Okt Nov Dez",
    "de-CH": "Jan Feb Mär Apr Mai Jun Jul Aug Sep Okt Nov Dez",
    "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
    "es": "ene feb mar abr may jun jul ago sep oct nov dic",
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
}
OTHER_MONTHS = {
    "fi": "tammik. helmik. maalisk. huhtik. toukok. kesäk. heinäk. elok. syysk. lokak. marrask."
    " jouluk.",
    "de": "Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.",
    "sv": "jan. feb. mars apr. maj juni juli aug. sep. okt. nov. dec.",
    "nb": "jan. feb. mar. apr. mai jun. jul. aug. sep. okt. nov. des.",
    "es": "ene. feb. mar. abr. may. jun. jul. ago. sept. oct. nov. dic.",
    "fr (no accents)": "janv fevr mars avr mai juin juil aout sept oct nov dec",
}


@pytest.mark.parametrize("locale", [*EXCEL_MONTHS, *(f"{k}*" for k in OTHER_MONTHS)])
def test_month_abbreviations_of_each_locale(locale: str) -> None:
    names = (OTHER_MONTHS[locale[:-1]] if locale.endswith("*") else EXCEL_MONTHS[locale]).split()
    assert len(names) == 12
    for month, name in enumerate(names, start=1):
        for written in (name, name.upper(), name.lower(), name.rstrip(".") + "."):
            assert month_number(written) == month, (locale, written)
        assert parse_date(f"3-{name}-22") == f"2022-{month:02d}-03", (locale, name)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("3-maj-22", "2022-05-03"),
        ("12-okt-21", "2021-10-12"),
        ("5-mrz-20", "2020-03-05"),
        ("1-déc.-19", "2019-12-01"),
        ("7-ene-21", "2021-01-07"),
        ("9-toukok-20", "2020-05-09"),
        ("9-touko-20", "2020-05-09"),
        ("4-des-19", "2019-12-04"),
        ("17-août-18", "2018-08-17"),
    ],
)
def test_excel_resaves_in_other_locales(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_no_month_name_means_two_months() -> None:
    seen: dict[str, int] = {}
    for month, names in _MONTH_NAMES.items():
        for name in names.split():
            assert seen.setdefault(name, month) == month, name
            assert month_number(name) == month
    assert month_number("touko") == month_number("toukokuuta") == 5
    assert month_number("mon") is None and month_number("") is None


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("Mar 2019", "2019-03"),
        ("mars 2019", "2019-03"),
        ("Mrz 2019", "2019-03"),
        ("2019", "2019-01"),
        ("2019-03", "2019-03"),
        ("03/2019", "2019-03"),
        ("", None),
    ],
)
def test_parse_month(text: str, month: str | None) -> None:
    assert parse_month(text) == month


def test_parse_month_refuses_what_is_no_month() -> None:
    for text in ("2019-13", "Foo 2019", "sometime"):
        with pytest.raises(ValueError):
            parse_month(text)


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_value_error(text: str) -> None:
    try:
        iso = parse_date(text)
    except ValueError:
        return
    assert iso is None or dt.date.fromisoformat(iso)


# --- one file's column: the order its dates show --------------------------------------------


def read_all(column: DateColumn, dates: list[str], rescan: bool = False) -> list[str | None]:
    """Stream ``dates`` (lines 2, 3, …) through ``column`` as a reader does."""
    rows = [(line, [text]) for line, text in enumerate(dates, start=2)]
    again = (lambda: [(line, f[0]) for line, f in rows]) if rescan else None
    return [column.read(f[0], line) for line, f in column.in_order(iter(rows), 0, again)]


def test_a_day_over_12_shows_day_first_for_the_rows_before_it_too() -> None:
    col = DateColumn("c.csv", "Connected On")
    assert read_all(col, ["03/04/2022", "", "13/05/2021", "05/05/2020"]) == [
        "2022-04-03",
        None,
        "2021-05-13",
        "2020-05-05",
    ]
    assert (col.order, col.shown, col.ambiguous, col.assumed) == ("day", 1, 1, False)
    assert col.notes("x") == ["Connected On dates read as day/month (from 1 unambiguous row)"]


def test_a_second_field_over_12_shows_month_first() -> None:
    col = DateColumn("c.csv", "Connected On")
    assert read_all(col, ["3/4/17, 1:00 PM", "9/21/16, 3:29 AM", "10/22/16, 3:29 AM"]) == [
        "2017-03-04",
        "2016-09-21",
        "2016-10-22",
    ]
    assert col.notes("x") == ["Connected On dates read as month/day (from 2 unambiguous rows)"]


def test_rows_come_out_in_their_order() -> None:
    col = DateColumn("c.csv", "Date")
    rows = [(2, ["03/04/2022"]), (3, ["08 Feb 2023"]), (4, ["13/05/2021"]), (5, ["1/1/21"])]
    assert [line for line, _ in col.in_order(iter(rows), 0)] == [2, 3, 4, 5]


def test_nothing_shows_the_order_keeps_linkedins_month_first_and_says_so() -> None:
    col = DateColumn("c.csv", "Connected On")
    assert read_all(col, ["3/12/18, 4:05 PM", "11/2/18, 10:30 AM"]) == [
        "2018-03-12",
        "2018-11-02",
    ]
    assert col.assumed and col.notes("x") == [
        "Connected On dates read as month/day, LinkedIn's order: none of them shows the order"
        " (e.g. line 2: '3/12/18, 4:05 PM')"
    ]


def test_nothing_shows_the_order_of_dotted_dates_keeps_day_first() -> None:
    col = DateColumn("c.csv", "Connected On")
    assert read_all(col, ["03.04.2022", "05.06.2021"]) == ["2022-04-03", "2021-06-05"]
    assert col.notes("x") == [
        "Connected On dates read as day/month, the order of dotted dates: none of them shows"
        " the order (e.g. line 2: '03.04.2022')"
    ]


def test_dates_with_month_names_say_nothing_about_the_order() -> None:
    col = DateColumn("c.csv", "Connected On")
    assert read_all(col, ["08 Feb 2023", "3-maj-22"]) == ["2023-02-08", "2022-05-03"]
    assert col.order is None and col.notes("x") == []


def test_both_orders_in_one_file_is_an_error_naming_both_lines() -> None:
    col = DateColumn("c.csv", "Connected On")
    with pytest.raises(InputError) as info:
        read_all(col, ["13/05/2021", "03/04/2022", "05/13/2021"])
    err = info.value
    assert (err.file, err.line, err.column) == ("c.csv", 4, "Connected On")
    assert err.message == (
        "has Connected On dates in both orders: line 2 ('13/05/2021') can only be day/month,"
        " line 4 ('05/13/2021') only month/day"
    )
    assert err.hint and "one way" in err.hint


def test_unreadable_dates_are_counted_with_the_first_as_example() -> None:
    col = DateColumn("c.csv", "Connected On")
    assert read_all(col, ["2021-16-09", "08 Feb 2023", "someday"]) == [None, "2023-02-08", None]
    assert (col.dates, col.unreadable, col.example) == (3, 2, (2, "2021-16-09"))
    assert col.notes("imported without a date") == [
        "2 of 3 Connected On dates could not be read, e.g. line 2: '2021-16-09';"
        " imported without a date"
    ]


def test_many_rows_waiting_for_the_order_rescan_the_file() -> None:
    """Memory stays bounded: past HOLD_ROWS waiting rows the order comes from a rescan."""
    waiting = DateColumn.HOLD_ROWS + 5
    dates = ["03/04/2022"] * waiting + ["13/05/2021"]
    col = DateColumn("c.csv", "Connected On")
    rows = [(line, [text]) for line, text in enumerate(dates, start=2)]
    released: list[int] = []
    rescans: list[int] = []

    def rescan() -> list[tuple[int, str]]:
        rescans.append(len(released))
        return [(line, f[0]) for line, f in rows]

    for line, f in col.in_order(iter(rows), 0, rescan):
        released.append(line)
        assert col.read(f[0], line) == ("2022-04-03" if f[0] == "03/04/2022" else "2021-05-13")
    assert rescans == [0] and released == [line for line, _ in rows]
    assert col.notes("x") == ["Connected On dates read as day/month (from 1 unambiguous row)"]


def test_a_rescan_that_finds_no_order_keeps_the_default() -> None:
    dates = ["03/04/2022"] * (DateColumn.HOLD_ROWS + 5)
    col = DateColumn("c.csv", "Connected On")
    assert set(read_all(col, dates, rescan=True)) == {"2022-03-04"}
    assert col.assumed and col.order == "month"


@given(
    st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2068, 12, 31)),
    st.sampled_from(["/", "-", "."]),
    st.booleans(),
    st.booleans(),
)
def test_a_file_in_either_order_reads_back(
    date: dt.date, sep: str, day_first: bool, short_year: bool
) -> None:
    """Whatever order a file writes, once one date shows it every date reads back exactly."""
    year = f"{date.year % 100:02d}" if short_year else str(date.year)

    def written(d: dt.date) -> str:
        first, second = (d.day, d.month) if day_first else (d.month, d.day)
        return f"{first}{sep}{second}{sep}{year}"

    shows = written(dt.date(date.year, 12, 25))  # a day over 12
    col = DateColumn("c.csv", "Date")
    assert read_all(col, [written(date), shows]) == [date.isoformat(), f"{date.year}-12-25"]
