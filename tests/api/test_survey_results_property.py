"""Property (issue 13 §8), through the database and the API on SQLite and PostgreSQL: for any set of stored responses,
the results a supervisor gets reveal no background group of 1–9 respondents — not shown, and not by subtracting the
shown groups from ``n`` or ``answered`` — and the headline shows no share of fewer than 10. The attacker is the one of
tests/unit/test_survey_suppression.py, which throws many more answer sets at the pure ``summarise``; here fewer sets
go the whole way (stored rows, the GROUP BY reads, the JSON answer)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from fieldlog.surveys import questionnaire as q
from tests.api.survey_results_support import add_responses, respondent
from tests.unit.test_survey_suppression import BACKGROUND, check_breakdown, skewed

people = st.lists(
    st.tuples(skewed(q.EVENING_SAFETY), skewed(q.AGE_BANDS), skewed(q.GENDERS), skewed(q.LIVES_IN), st.booleans()),
    min_size=0,
    max_size=60,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answers=people)
def test_results_and_headline_reveal_no_small_group(app, client, auth, supervisor, survey, answers):
    from fieldlog.extensions import db
    from fieldlog.surveys.models import Survey, SurveyResponse
    from fieldlog.surveys.results import headline

    with app.app_context():
        db.session.execute(delete(SurveyResponse))
        db.session.commit()
    add_responses(app, survey, [respondent(e, a, g, li, suspect=s) for e, a, g, li, s in answers])
    counted = [a for a in answers if not a[4]]  # suspects are left out
    body = client.get(f"/api/v1/surveys/{survey.id}/results", headers=auth(supervisor)).get_json()
    note(repr(body))
    assert body["n"] == len(counted)
    if len(counted) < q.MIN_GROUP:
        assert body["withheld"] and body["by_group"] == {} and body["questions"] == {}
    else:
        for i, name in enumerate(BACKGROUND, start=1):
            truth = Counter(a[i] for a in counted)
            evening = {}
            for a in counted:
                if a[0] is not None:
                    answered, safe = evening.get(a[i], (0, 0))
                    evening[a[i]] = (answered + 1, safe + (a[0] in q.SAFE))
            check_breakdown(body, name, truth, evening)
    with app.app_context():
        figures = headline(db.session.scalars(select(Survey)).all())[survey.id]
    assert figures["responses"] == len(counted)
    answered = sum(1 for a in counted if a[0] is not None)
    if len(counted) < q.MIN_GROUP or answered < q.MIN_GROUP:
        assert figures["safe_share"] is None
    else:
        assert figures["safe_share"] == round(sum(1 for a in counted if a[0] in q.SAFE) / answered, 4)
