import datetime as dt

from portal.recurrence import expand, parse_rule

from conftest import build


def test_weekly_and_monthly_rules():
    friday = parse_rule("每周五")
    assert friday.describe() == "每周五"
    assert expand(friday, dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == [
        dt.date(2026, 1, d) for d in (2, 9, 16, 23, 30)]
    assert parse_rule("每星期日").weekday == 6 and parse_rule("每周天").weekday == 6
    monthly = parse_rule("每月1、11、21日")
    assert monthly.monthdays == (1, 11, 21)
    assert parse_rule("每月1日、11日、21日").monthdays == (1, 11, 21)
    assert expand(monthly, dt.date(2026, 1, 5), dt.date(2026, 2, 28)) == [
        dt.date(2026, 1, 11), dt.date(2026, 1, 21), dt.date(2026, 2, 1),
        dt.date(2026, 2, 11), dt.date(2026, 2, 21)]


def test_days_a_month_lacks_are_skipped():
    rule = parse_rule("每月30、31日")
    got = expand(rule, dt.date(2026, 2, 1), dt.date(2026, 4, 30))
    assert got == [dt.date(2026, 3, 30), dt.date(2026, 3, 31), dt.date(2026, 4, 30)]


def test_unknown_rules():
    for text in ("每逢集日", "每月32日", "weekly", ""):
        assert parse_rule(text) is None


def test_schedule_expansion_with_exceptions_and_rota(mini, tmp_path):
    import sys
    from conftest import site
    settings = site.load_settings(path=mini)
    from portal.catalog import Catalog
    cat = Catalog(settings, today=dt.date(2026, 11, 22)).load()
    assert list(cat.problems) == []
    market = cat.reception["market"]
    days = {o.original_date: o for o in market.occasions}
    # From 2026-10-02 to today + 60 days (2027-01-21), every Friday.
    assert min(days) == dt.date(2026, 10, 2) and max(days) == dt.date(2027, 1, 15)
    assert len(days) == 16
    assert days[dt.date(2026, 10, 2)].cancelled and days[dt.date(2026, 10, 2)].reason == "国庆节放假"
    moved = days[dt.date(2026, 10, 16)]
    assert moved.moved and moved.date == dt.date(2026, 10, 17)
    # Rota turns alternate: first line, second line, first line ...
    assert [d.slug for d in days[dt.date(2026, 10, 2)].deputies] == ["d-001", "d-002"]
    assert [d.slug for d in days[dt.date(2026, 10, 9)].deputies] == ["d-002"]
    assert days[dt.date(2026, 10, 9)].record == (12, 4, "群众反映道路问题。")
    del sys


def test_horizon_is_configurable(mini, tmp_path):
    from conftest import site
    from portal.catalog import Catalog
    settings = site.load_settings(path=mini, reception_horizon_days=7)
    cat = Catalog(settings, today=dt.date(2026, 11, 22)).load()
    assert max(o.original_date for o in cat.reception["market"].occasions) == dt.date(2026, 11, 27)
