"""Property (SPEC §7, issue 13 §8): whatever the answers, no figure of a wave's results lets anyone learn the size of a
background group of 1–9 respondents — not shown, not by subtracting the shown groups from ``n`` or from a question's
``answered`` — and no share shown rests on fewer than ``MIN_GROUP`` answers. The attacker below reads only the
results; the truth it is checked against is the generated answers.

The headline (progress and the public page) is checked by tests/api/test_survey_results.py on both databases."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, note, settings
from hypothesis import strategies as st

from fieldlog.surveys import questionnaire as q
from fieldlog.surveys.results import BACKGROUND, NO_ANSWER, groups_of, protect, summarise

MIN = q.MIN_GROUP


def skewed(codes):
    """A code or None (skipped), some codes much likelier than others, so that small groups beside big ones are
    the usual case and not the rare one."""
    return st.one_of(st.sampled_from(codes[:2]), st.sampled_from((*codes, None)), st.sampled_from(codes[:1] + (None,)))


responses = st.lists(
    st.tuples(skewed(q.EVENING_SAFETY), skewed(q.AGE_BANDS), skewed(q.GENDERS), skewed(q.LIVES_IN)),
    min_size=0,
    max_size=120,
)


def rows_of(answers):
    return [(*key, count) for key, count in Counter(answers).items()]


def check_breakdown(out: dict, name: str, truth: Counter, evening_truth: dict) -> None:
    n = out["n"]
    question = out["questions"][name]
    breakdown = out["by_group"][name]
    shown = question["counts"]
    for g in groups_of(name):
        size = truth[g]
        cell = breakdown[g]
        if cell.get("suppressed"):
            assert g not in shown and "n" not in cell and "safe_share" not in cell
            assert g not in question.get("shares", {})
        else:
            # a shown group: its true size, never one of 1..9, and the same in both places
            assert cell["n"] == size == shown[g]
            assert size == 0 or size >= MIN
            answered = evening_truth.get(g, (0, 0))[0]
            assert cell["safe_share"] is None or answered >= MIN
        if 0 < size < MIN:
            assert cell == {"suppressed": True}, (g, size)
    # the attacker: whatever is not shown adds up to this
    total = question.get("answered", n)
    derived = total - sum(shown.values())
    hidden_cells = [truth[g] for g in groups_of(name) if breakdown[g].get("suppressed")]
    hidden_cells += [truth[NO_ANSWER]] if NO_ANSWER not in shown else []
    hidden_cells += [n - sum(truth[c] for c in BACKGROUND[name])] if "answered" not in question else []
    hidden_cells = [c for c in hidden_cells if c > 0]
    assert derived == sum(hidden_cells)
    if hidden_cells:
        # two hidden cells at least, so no single one is the difference, and their sum is no small group either
        assert len(hidden_cells) >= 2 and derived >= MIN
        assert all(derived != c for c in hidden_cells)
    if "answered" in question:
        assert question["answered"] == sum(truth[c] for c in BACKGROUND[name])
        for share in question["shares"].values():
            assert share is None or question["answered"] >= MIN


@settings(max_examples=400, deadline=None)
@given(responses)
def test_no_figure_reveals_a_group_under_ten(answers):
    out = summarise(rows_of(answers), [], [])
    note(repr(out))
    n = len(answers)
    assert out["n"] == n
    if n < MIN:
        assert out["withheld"] is True
        assert out["questions"] == {} and out["by_group"] == {} and out["problems"] == {}
        assert out["safe_share"] is None and out["never_out_share"] is None
        return
    for i, name in enumerate(BACKGROUND, start=1):
        truth = Counter(a[i] for a in answers)
        evening = {}
        for a in answers:
            if a[0] is not None:
                answered, safe = evening.get(a[i], (0, 0))
                evening[a[i]] = (answered + 1, safe + (a[0] in q.SAFE))
        check_breakdown(out, name, truth, evening)
    answered = sum(1 for a in answers if a[0] is not None)
    assert out["questions"]["evening_safety"]["answered"] == answered
    if answered < MIN:
        assert out["safe_share"] is None
    else:
        assert out["safe_share"] == round(sum(1 for a in answers if a[0] in q.SAFE) / answered, 4)


def test_one_small_group_hides_the_next_smallest_too():
    """SPEC: where one group is suppressed and the others and n are shown, the next smallest is suppressed too."""
    answers = [("very_safe", "20-34", "woman", "town")] * 40
    answers += [("fairly_safe", "35-49", "man", "town")] * 25
    answers += [("very_unsafe", "65+", "other", "countryside")] * 3
    out = summarise(rows_of(answers), [], [])
    gender = out["by_group"]["gender"]
    assert gender["other"] == {"suppressed": True}
    assert gender["man"] == {"suppressed": True}  # 25, the next smallest
    assert gender["woman"] == {"n": 40, "safe_share": 1.0}
    assert out["questions"]["gender"]["counts"] == {"woman": 40, NO_ANSWER: 0}
    assert out["questions"]["gender"]["suppressed"] == ["man", "other"]
    # a group nobody chose is shown as 0 and hides nothing
    assert out["by_group"]["age_band"]["13-15"] == {"n": 0, "safe_share": None}


def test_two_tiny_groups_are_not_shown_as_their_sum():
    """3 + 4 hidden would show "7" for the pair: a third cell goes too."""
    guard = protect({"a": 50, "b": 3, "c": 4, "d": 30}, no_answer=0, skipped=0, order=("a", "b", "c", "d"))
    assert guard.hidden_groups == {"b", "c", "d"}


def test_when_groups_run_out_no_answer_and_the_skipped_are_hidden():
    guard = protect({"a": 3}, no_answer=2, skipped=20, order=("a",))
    assert guard.hidden_groups == {"a"} and guard.hide_no_answer and guard.hide_answered


def test_shares_rest_on_ten_answers_at_least():
    answers = [("very_safe", None, None, None)] * 9 + [(None, None, None, None)] * 5
    out = summarise(rows_of(answers), [("safe", "yes", 14)], [("drugs", "big", 9)])
    assert out["n"] == 14
    assert out["safe_share"] is None
    assert out["questions"]["evening_safety"]["counts"]["very_safe"] == 9
    assert out["problems"]["drugs"] is None
    assert out["questions"]["overall_safety"]["shares"]["safe"] == 1.0
