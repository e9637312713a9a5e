"""Exams in team mode: the server draws each sitting, keeps the key, grades and enforces the rules.

A *sitting* is one started exam attempt (``exam_sittings``): the questions drawn, in the order
shown, with each question's option order and calculated values. :mod:`~cstrain.exams.papers`
draws it and says what the browser may see; :mod:`~cstrain.exams.sittings` keeps it in the
store. The HTTP face is :mod:`cstrain.server.routes.exams`.

Rules, all enforced here:

- **Attempts.** Every sitting started counts against ``attempts``, submitted or not.
- **Resume.** Starting again while a sitting is open returns that sitting, same questions and
  same clock; nothing new is drawn.
- **Time limit.** ``deadline = started_at + time_limit``. A submission is accepted until
  :data:`~cstrain.exams.sittings.GRACE` after the deadline (network and a slow phone). Later
  answers are refused (409): the sitting is closed as an attempt with no answers (score 0,
  submitted at the deadline) — the same that happens to a sitting left to run out, when it is
  next touched.
- **Closed.** A sitting is submitted once; a second submit is refused (409) and
  ``GET /api/sittings/{id}`` returns the result, so a client that lost the first answer
  recovers it.
- **Edited exam.** A sitting whose quiz was edited since it started cannot be graded against
  questions the learner never saw: it is dropped and does not count.

- **Review.** Feedback, the key and explanations are returned only for a closed sitting, and
  only when the quiz's review policy allows it (:func:`~cstrain.exams.sittings.may_review`):
  by default once the learner passed or every attempt is closed.
- **Retake.** A new sitting draws the questions the learner's last sitting did not show first.

The attempt is
recorded with source ``server`` and the key ``<learner>:exam/<sitting id>`` (``/`` never occurs
in a browser's attempt id, so the two can never collide).
"""
