"""Quizzes that test judgment, measured over the shipped courseware (issue 13).

A test-wise learner should not pass by picking the longest option, by answering "false" to every
true/false statement, or by leaving out the one absurd option of a multiple-choice question; and no
right answer should be a sentence copied from the module. Each track also ends with a final exam
drawn from a pool. The figures are computed from the quizzes as cstrain's own catalog loader reads
them, over ``CHECKED_TRACKS``.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from cstrain.project import Project

ROOT = Path(__file__).resolve().parent.parent
CHECKED_TRACKS = ("onboarding", "pre-sales", "after-sales", "platform-rules", "kpi")

LONGEST_RIGHT_MAX = 0.35      # single choice: the right option strictly the longest
FALSE_SHARE = (0.35, 0.65)    # true/false: share of statements whose key is "false"
ALL_BUT_ONE_MAX = 0.30        # multiple choice: every option right except one
COPIED_MIN_CHARS = 8          # a right option this long found verbatim in the track's text is copied


@functools.cache
def catalog():
    return Project(ROOT).load_catalog()


def checked_quizzes() -> list[tuple[str, object]]:
    """(track, quiz) for every quiz a module of a checked track uses."""
    found = []
    for course in catalog().courses:
        if course.spec.track in CHECKED_TRACKS:
            for module in course.modules:
                quiz = catalog().quiz_for(module)
                if quiz:
                    found.append((course.spec.track, quiz))
    return found


def questions(kind: str) -> list[tuple[str, object]]:
    return [(quiz.ref, q) for _, quiz in checked_quizzes() for q in quiz.spec.questions if q.type == kind]


def strictly_longest_right(question) -> bool:
    right = next(o for o in question.options if o.correct)
    return all(len(right.text) > len(o.text) for o in question.options if o is not right)


def all_but_one_right(question) -> bool:
    return sum(o.correct for o in question.options) == len(question.options) - 1


def figures() -> dict[str, float]:
    """The three shares the issue measures, over the checked tracks."""
    single, true_false, multiple = questions("single"), questions("true_false"), questions("multiple")
    return {
        "longest_right": sum(strictly_longest_right(q) for _, q in single) / len(single),
        "false_share": sum(not q.answer for _, q in true_false) / len(true_false),
        "all_but_one": sum(all_but_one_right(q) for _, q in multiple) / len(multiple),
    }


def _plain(text: str) -> str:
    """Markdown reduced to its words: no emphasis, quote marks or spaces, so a copy is found
    however it was formatted."""
    return re.sub(r"[\s*>`_|#]", "", text)


@functools.cache
def track_text(track: str) -> str:
    return "".join(_plain((ROOT / m.rel).read_text(encoding="utf-8"))
                   for c in catalog().courses if c.spec.track == track for m in c.modules)


def test_the_checked_tracks_exist_and_have_questions_of_each_measured_kind():
    tracks = {c.spec.track for c in catalog().courses}
    assert set(CHECKED_TRACKS) <= tracks
    for kind in ("single", "true_false", "multiple"):
        assert len(questions(kind)) >= 10, kind


def test_the_right_option_is_not_a_giveaway_by_length():
    single = questions("single")
    longest = sorted(f"{ref}: {q.id}" for ref, q in single if strictly_longest_right(q))
    share = len(longest) / len(single)
    assert share <= LONGEST_RIGHT_MAX, (
        f"right option strictly the longest in {len(longest)} of {len(single)} single-choice questions "
        f"({share:.0%} > {LONGEST_RIGHT_MAX:.0%}):\n" + "\n".join(longest))


def test_true_false_keys_are_balanced():
    true_false = questions("true_false")
    false = sum(not q.answer for _, q in true_false)
    low, high = FALSE_SHARE
    assert low <= false / len(true_false) <= high, (
        f"{false} of {len(true_false)} true/false keys are false ({false / len(true_false):.0%}); "
        f"keep it within {low:.0%}-{high:.0%}")


def test_multiple_choice_is_not_spot_the_odd_one_out():
    multiple = questions("multiple")
    odd_one_out = sorted(f"{ref}: {q.id}" for ref, q in multiple if all_but_one_right(q))
    share = len(odd_one_out) / len(multiple)
    assert share <= ALL_BUT_ONE_MAX, (
        f"{len(odd_one_out)} of {len(multiple)} multiple-choice questions have every option right but one "
        f"({share:.0%} > {ALL_BUT_ONE_MAX:.0%}):\n" + "\n".join(odd_one_out))


def test_no_right_answer_is_copied_word_for_word_from_the_track():
    copied = []
    for track, quiz in checked_quizzes():
        text = track_text(track)
        for q in quiz.spec.questions:
            if q.type in ("single", "multiple"):
                answers = [o.text for o in q.options if o.correct]
            elif q.type == "fill":
                # the sentence around the blank, filled in, as the module would have said it
                before = _plain(q.prompt.split("___")[0])[-COPIED_MIN_CHARS:]
                answers = [before + answer for answer in q.answers] if "___" in q.prompt else []
            else:
                continue
            for answer in answers:
                plain = _plain(answer)
                if len(plain) >= COPIED_MIN_CHARS and plain in text:
                    copied.append(f"{quiz.rel}: {q.id}: {answer}")
    assert not copied, "right answers copied word for word from the module text:\n" + "\n".join(copied)


@pytest.mark.parametrize("track", CHECKED_TRACKS)
def test_every_track_ends_with_a_final_exam_drawn_from_a_pool(track):
    exams = [quiz for t, quiz in checked_quizzes() if t == track and quiz.spec.mode == "exam"]
    assert exams, f"track {track} has no exam quiz"
    for quiz in exams:
        spec = quiz.spec
        assert spec.draw and len(spec.questions) >= 2 * spec.draw, (
            f"{quiz.rel}: pool of {len(spec.questions)} for a draw of {spec.draw}")
        assert spec.time_limit_seconds, f"{quiz.rel}: no time_limit"
        assert spec.attempts, f"{quiz.rel}: no attempts limit"
    last = [c for c in catalog().courses if c.spec.track == track][-1].modules[-1]
    assert catalog().quiz_for(last) in exams, f"the last module of track {track} is not its exam"

