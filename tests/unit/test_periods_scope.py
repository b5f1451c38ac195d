"""The one period module and the one scope module (issue 11 item 2): the answers the API and the pages share."""

from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from fieldlog import periods, scope
from fieldlog.coverage.schemas import PeriodQuerySchema
from fieldlog.errors import Forbidden, Invalid, NotFound
from fieldlog.extensions import db


def test_named_periods_are_whole_iso_weeks_or_28_days():
    wednesday = date(2026, 3, 11)
    assert periods.named("this_week", wednesday) == (date(2026, 3, 9), wednesday)
    assert periods.named("last_week", wednesday) == (date(2026, 3, 2), date(2026, 3, 8))
    first, last = periods.named("last_4_weeks", wednesday)
    assert (last, (last - first).days + 1) == (wednesday, 28)
    # On a Monday "this week" is that one day, and last week ended the day before.
    assert periods.named("this_week", date(2026, 3, 9)) == (date(2026, 3, 9), date(2026, 3, 9))
    assert periods.named("last_week", date(2026, 3, 9))[1] == date(2026, 3, 8)


def test_a_period_over_the_spring_change_of_clock_is_one_hour_short():
    p = periods.period(date(2026, 3, 29), date(2026, 3, 29), "Europe/Stockholm")
    assert p.end - p.start == timedelta(hours=23)
    assert p.start.isoformat() == "2026-03-28T23:00:00+00:00"


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (date(1970, 12, 31), None, "from"),
        (None, date(9001, 1, 1), "to"),
        (date(2026, 3, 2), date(2026, 3, 1), "to"),
        (date(2025, 1, 1), date(2026, 1, 2), "to"),  # 367 days
    ],
)
def test_the_api_and_the_page_refuse_the_same_periods(app, first, last, field):
    assert list(periods.problems(first, last)) == [field]
    args = {k: v.isoformat() for k, v in (("from", first), ("to", last)) if v is not None}
    errors = PeriodQuerySchema().validate(args)
    assert list(errors) == [field]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        preset, p, messages = periods.chosen(MultiDict({"period": "custom", **args}), "Europe/Stockholm", "last_week")
    assert (preset, len(messages)) == ("last_week", 1)
    assert p.days == 7


def test_a_whole_leap_year_is_the_longest_period(app):
    first, last = date(2024, 1, 1), date(2024, 12, 31)
    assert periods.problems(first, last) == {}
    with app.test_request_context():
        preset, p, messages = periods.chosen(
            {"period": "custom", "from": first.isoformat(), "to": last.isoformat()}, "Europe/Stockholm"
        )
    assert (preset, p.days, messages) == ("custom", 366, [])


def test_resolve_fills_in_the_missing_end():
    today = date(2026, 5, 20)
    assert periods.resolve("Europe/Stockholm", date(2026, 5, 1), None, today=today).last == today
    assert periods.resolve("Europe/Stockholm", date(2026, 6, 1), None, today=today).last == date(2026, 6, 1)
    p = periods.resolve("Europe/Stockholm", None, date(2026, 5, 10), today=today)
    assert (p.first, p.days) == (date(2026, 4, 13), 28)
    assert periods.resolve("Europe/Stockholm", None, date(2026, 5, 10), default_days=1).days == 1


def test_scope_answers_forbidden_not_found_and_invalid_as_spec_section_3(app, make_area, make_user):
    from fieldlog.auth.models import User

    home, other = make_area("svenljunga"), make_area("tranemo")
    ids = make_user("supervisor", home).id, make_user("officer", home).id, make_user("admin").id
    with app.app_context():
        supervisor, officer, admin = (db.session.get(User, i) for i in ids)
        for user in (supervisor, officer):
            assert scope.read_area(user, None).slug == "svenljunga"
            assert scope.read_area(user, "svenljunga").slug == "svenljunga"
            with pytest.raises(Forbidden):
                scope.read_area(user, "tranemo")
            with pytest.raises(Forbidden):
                scope.write_area(user, "tranemo")
            assert scope.may_see(user, home.id) and not scope.may_see(user, other.id)
            with pytest.raises(NotFound):
                scope.check_record(user, other.id)
        assert scope.read_area(admin, "tranemo").slug == "tranemo"
        assert scope.read_area(admin, None, all_for_admin=True) is None
        with pytest.raises(Invalid) as needs_area:
            scope.read_area(admin, None)
        assert needs_area.value.fields == {"area": ["Required for an admin."]}
        with pytest.raises(NotFound):
            scope.read_area(admin, "nowhere")
        with pytest.raises(Invalid):  # in a body an unknown area is a bad field, not a missing address
            scope.write_area(admin, "nowhere")
        scope.check_record(admin, other.id)
    with app.test_request_context("/supervisor/?area=tranemo"):
        assert scope.page_area(db.session.get(User, ids[2])).slug == "tranemo"
        assert scope.page_area(db.session.get(User, ids[0])).slug == "svenljunga"
    with app.test_request_context("/supervisor/"):
        assert scope.page_area(db.session.get(User, ids[2])).slug == "svenljunga"  # the first by name
    with app.test_request_context("/supervisor/?area=nowhere"), pytest.raises(NotFound):
        scope.page_area(db.session.get(User, ids[2]))
