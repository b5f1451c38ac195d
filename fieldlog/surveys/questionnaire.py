"""The questionnaire ``core-1`` (SPEC §7), fixed in the product so that waves compare by construction: the one
definition of its questions, answer codes, limits and words. Answers are stored as these codes; every question may
be skipped. Nothing here is copied elsewhere — the respondent's page, the kiosk, results and the public page import it.

Labels are English msgids with the context "survey questionnaire"; the Swedish words are SPEC §7's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_pgettext


def _(text: str):
    return lazy_pgettext("survey questionnaire", text)


EVENING_SAFETY = ("very_safe", "fairly_safe", "fairly_unsafe", "very_unsafe", "never_out", "dont_know")
OVERALL_SAFETY = ("very_safe", "safe", "neither", "unsafe", "very_unsafe")
PROBLEMS = (
    "youth_disorder",
    "drugs",
    "vandalism",
    "graffiti",
    "littering",
    "poor_lighting",
    "intoxication",
    "traffic",
    "online_harassment",
    "burglary",
)
PROBLEM_ANSWERS = ("none", "small", "fairly_big", "big", "dont_know")
AVOIDS_PLACES = ("yes", "no")
PLACE_WHEN = ("day", "evening", "night")
PLACE_REASONS = (
    "poor_lighting",
    "youth_groups",
    "drugs",
    "disorder",
    "intoxication",
    "vandalism",
    "isolated",
    "traffic",
    "other",
)
NO_ANSWER = "no_answer"
AGE_BANDS = ("13-15", "16-19", "20-34", "35-49", "50-64", "65+", NO_ANSWER)
GENDERS = ("woman", "man", "other", NO_ANSWER)
LIVES_IN = ("town", "countryside", NO_ANSWER)

# The numerator of ``safe_share``: very or fairly safe out alone late in the evening.
SAFE = ("very_safe", "fairly_safe")
NEVER_OUT = "never_out"
# The problems' share counts these answers.
BIG_PROBLEM = ("fairly_big", "big")
MAX_PLACES = 5
IMPROVEMENTS_MAX = 1000
# Suppression: no figure of fewer respondents is shown (to supervisors or the public).
MIN_GROUP = 10

# The questions answered with one code, in the order asked (``problems``, ``places``, ``improvements``: the others).
SINGLE_CHOICE = {
    "evening_safety": EVENING_SAFETY,
    "overall_safety": OVERALL_SAFETY,
    "avoids_places": AVOIDS_PLACES,
    "age_band": AGE_BANDS,
    "gender": GENDERS,
    "lives_in": LIVES_IN,
}
BACKGROUND = ("age_band", "gender", "lives_in")
QUESTIONS = (
    "evening_safety",
    "overall_safety",
    "problems",
    "avoids_places",
    "places",
    "improvements",
    "age_band",
    "gender",
    "lives_in",
)

QUESTION_LABELS = {
    "evening_safety": _(
        "How safe or unsafe do you feel if you go out alone late in the evening in the area where you live?"
    ),
    "overall_safety": _("How safe do you feel in the municipality as a whole?"),
    "problems": _("How big a problem do you think each of these is in the area where you live?"),
    "avoids_places": _("Are there places you avoid because you worry about becoming a victim of crime?"),
    "places": _("Mark up to five places you avoid or where you feel unsafe."),
    "improvements": _("What would make you feel safer?"),
    "age_band": _("Age"),
    "gender": _("Gender"),
    "lives_in": _("Where do you live?"),
}
PLACE_WHEN_QUESTION = _("When?")
PLACE_REASONS_QUESTION = _("Why?")
IMPROVEMENTS_NOTE = _("Do not write names or anything else that identifies a person.")

_DONT_KNOW = _("Don't know")
_NO_ANSWER = _("Prefer not to say")
_VERY_SAFE = _("Very safe")
_VERY_UNSAFE = _("Very unsafe")
ANSWER_LABELS = {
    "evening_safety": {
        "very_safe": _VERY_SAFE,
        "fairly_safe": _("Fairly safe"),
        "fairly_unsafe": _("Fairly unsafe"),
        "very_unsafe": _VERY_UNSAFE,
        "never_out": _("I never go out alone late"),
        "dont_know": _DONT_KNOW,
    },
    "overall_safety": {
        "very_safe": _VERY_SAFE,
        "safe": _("Safe"),
        "neither": _("Neither safe nor unsafe"),
        "unsafe": _("Unsafe"),
        "very_unsafe": _VERY_UNSAFE,
    },
    "avoids_places": {"yes": _("Yes"), "no": _("No")},
    "age_band": {
        "13-15": _("13–15 years"),
        "16-19": _("16–19 years"),
        "20-34": _("20–34 years"),
        "35-49": _("35–49 years"),
        "50-64": _("50–64 years"),
        "65+": _("65 or older"),
        NO_ANSWER: _NO_ANSWER,
    },
    "gender": {"woman": _("Woman"), "man": _("Man"), "other": _("Other or non-binary"), NO_ANSWER: _NO_ANSWER},
    "lives_in": {"town": _("In a town or village"), "countryside": _("In the countryside"), NO_ANSWER: _NO_ANSWER},
}
PROBLEM_LABELS = {
    "youth_disorder": _("Young people causing disorder"),
    "drugs": _("Drug dealing and drug use"),
    "vandalism": _("Vandalism"),
    "graffiti": _("Graffiti"),
    "littering": _("Litter"),
    "poor_lighting": _("Poor lighting"),
    "intoxication": _("Drunk or intoxicated people outdoors"),
    "traffic": _("Reckless driving and speeding"),
    "online_harassment": _("Threats and harassment online"),
    "burglary": _("Burglary"),
}
PROBLEM_ANSWER_LABELS = {
    "none": _("No problem"),
    "small": _("A small problem"),
    "fairly_big": _("A fairly big problem"),
    "big": _("A big problem"),
    "dont_know": _DONT_KNOW,
}
PLACE_WHEN_LABELS = {"day": _("Daytime"), "evening": _("Evening"), "night": _("Night")}
PLACE_REASON_LABELS = {
    "poor_lighting": _("Poor lighting"),
    "youth_groups": _("Groups of young people"),
    "drugs": _("Drugs"),
    "disorder": _("Disorder and fights"),
    "intoxication": _("Drunk or intoxicated people"),
    "vandalism": _("Vandalism"),
    "isolated": _("Deserted, no one around"),
    "traffic": _("Traffic"),
    "other": _("Other"),
}


@dataclass(frozen=True)
class Questionnaire:
    """What a response to a questionnaire may hold: the codes of each question and the limits."""

    name: str
    single_choice: dict[str, tuple[str, ...]]
    problems: tuple[str, ...]
    problem_answers: tuple[str, ...]
    place_when: tuple[str, ...]
    place_reasons: tuple[str, ...]
    max_places: int = MAX_PLACES
    improvements_max: int = IMPROVEMENTS_MAX
    questions: tuple[str, ...] = field(default=QUESTIONS)


CORE_1 = Questionnaire(
    name="core-1",
    single_choice=SINGLE_CHOICE,
    problems=PROBLEMS,
    problem_answers=PROBLEM_ANSWERS,
    place_when=PLACE_WHEN,
    place_reasons=PLACE_REASONS,
)
QUESTIONNAIRES = {"core-1": CORE_1}


def describe(questionnaire: Questionnaire = CORE_1) -> dict:
    """The questionnaire as plain data in the current language, for a client that renders it (the kiosk, a page's
    script): every question with its text and its answers (code and label) in display order, and the limits."""

    def choices(labels: dict) -> list[dict]:
        return [{"code": code, "label": str(label)} for code, label in labels.items()]

    return {
        "name": questionnaire.name,
        "questions": {
            **{q: {"text": str(QUESTION_LABELS[q]), "answers": choices(ANSWER_LABELS[q])} for q in SINGLE_CHOICE},
            "problems": {
                "text": str(QUESTION_LABELS["problems"]),
                "items": choices(PROBLEM_LABELS),
                "answers": choices(PROBLEM_ANSWER_LABELS),
            },
            "places": {
                "text": str(QUESTION_LABELS["places"]),
                "max": questionnaire.max_places,
                "when": {"text": str(PLACE_WHEN_QUESTION), "answers": choices(PLACE_WHEN_LABELS)},
                "reasons": {"text": str(PLACE_REASONS_QUESTION), "answers": choices(PLACE_REASON_LABELS)},
            },
            "improvements": {
                "text": str(QUESTION_LABELS["improvements"]),
                "note": str(IMPROVEMENTS_NOTE),
                "max_length": questionnaire.improvements_max,
            },
        },
        "order": list(questionnaire.questions),
    }
