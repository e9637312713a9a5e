"""The tracking store's tables: the one schema definition for SQLite and PostgreSQL.

Words follow DESIGN.md §5 and the CLI: a *learner* is anyone on the roster (role learner,
mentor or supervisor), an *assignment* gives a learner a target (course, module or tag) with a
due date, an *attempt* is one submitted quiz with its per-question *answers*.

Changing a table here needs a migration in :mod:`cstrain.store.migrations`; a test compares a
store migrated from empty with this definition.
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A point in time, stored as naive UTC and always read back timezone-aware (UTC).

    SQLite has no time zone type; storing UTC everywhere keeps ordering and comparison the
    same on both databases."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("cstrain stores only timezone-aware times")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL on SQLite
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc)


metadata = sa.MetaData()

ROLES = ("learner", "mentor", "supervisor")
TARGET_KINDS = ("course", "module", "tag")
ATTEMPT_SOURCES = ("browser", "server", "import")
DRILL_MODES = ("practice", "exam")

learners = sa.Table(
    "learners", metadata,
    sa.Column("id", sa.String(64), primary_key=True, comment="工号"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("team", sa.String(200), nullable=False, server_default=""),
    sa.Column("store", sa.String(200), nullable=False, server_default=""),
    sa.Column("cohort", sa.String(200), nullable=False, server_default=""),
    sa.Column("role", sa.String(16), nullable=False, server_default="learner"),
    # not a foreign key: a roster file may name a mentor on a later row
    sa.Column("mentor_id", sa.String(64), nullable=True),
    sa.Column("hired_on", sa.Date, nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # only when HR's sheet has a 手机号 column; who sees it and how it is deleted:
    # docs/tracking.md (个人信息保护法)
    sa.Column("phone", sa.String(32), nullable=True, comment="手机号, normalised"),
    sa.CheckConstraint("role IN ('learner', 'mentor', 'supervisor')", name="learners_role"),
)
sa.Index("learners_team", learners.c.team)
sa.Index("learners_cohort", learners.c.cohort)
sa.Index("learners_mentor", learners.c.mentor_id)

assignments = sa.Table(
    "assignments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("target_kind", sa.String(8), nullable=False),
    sa.Column("target", sa.String(300), nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("assigned_by", sa.String(64), nullable=False),
    sa.Column("assigned_at", UTCDateTime, nullable=False),
    sa.Column("plan", sa.String(300), nullable=True, comment="plan file that made it, if any"),
    sa.Column("withdrawn_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("learner_id", "target_kind", "target", name="assignments_one_per_target"),
    sa.CheckConstraint("target_kind IN ('course', 'module', 'tag')", name="assignments_kind"),
)

attempts = sa.Table(
    "attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("quiz", sa.String(300), nullable=False, comment="quiz ref: path under quizzes/"),
    sa.Column("quiz_version", sa.String(64), nullable=False),
    sa.Column("module", sa.String(300), nullable=False, comment="course_id/module_id"),
    sa.Column("started_at", UTCDateTime, nullable=True),
    sa.Column("submitted_at", UTCDateTime, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
    sa.Column("percent", sa.Float, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    # the client's attempt id (or the server's): a retry or a re-import never counts twice
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    # a practice attempt a signed-in browser sent: submitted_at is when the server received it
    # (that decides on time or late); this is the time the device gave, kept as information
    sa.Column("client_submitted_at", UTCDateTime, nullable=True),
    sa.CheckConstraint("source IN ('browser', 'server', 'import')", name="attempts_source"),
)
sa.Index("attempts_learner_module", attempts.c.learner_id, attempts.c.module)
sa.Index("attempts_quiz", attempts.c.quiz)

answers = sa.Table(
    "answers", metadata,
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, comment="order shown, from 0"),
    sa.Column("question", sa.String(200), nullable=False),
    sa.Column("response", sa.JSON, nullable=True),
    sa.Column("mark", sa.Float, nullable=False),
    sa.Column("max_mark", sa.Float, nullable=False),
)
sa.Index("answers_question", answers.c.question)

visits = sa.Table(
    "visits", metadata,
    sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), primary_key=True),
    sa.Column("module", sa.String(300), primary_key=True),
    sa.Column("visited_at", UTCDateTime, nullable=True),
    sa.Column("completed_at", UTCDateTime, nullable=True, comment="我已学完本节 pressed"),
    # sent by a signed-in browser: the times above are the server's receipt, this is the time
    # the device gave for completed_at, kept as information
    sa.Column("client_completed_at", UTCDateTime, nullable=True),
)

# --- team mode (cstrain serve) ---

invites = sa.Table(
    "invites", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
    # SHA-256 of the sign-in code; the code itself is shown once and never stored
    sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
    sa.Column("last_used_at", UTCDateTime, nullable=True),
)
sa.Index("invites_learner", invites.c.learner_id)

sessions = sa.Table(
    "sessions", metadata,
    # SHA-256 of the cookie's token: a leaked store does not hand out sessions
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("invite_id", sa.Integer, sa.ForeignKey("invites.id"), nullable=True),
)
sa.Index("sessions_learner", sessions.c.learner_id)

signin_failures = sa.Table(
    "signin_failures", metadata,
    # one wrong sign-in code from a client address: the sign-in limit, shared by every server
    # process on the store (cstrain.store.limits)
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("failed_at", UTCDateTime, nullable=False),
)
sa.Index("signin_failures_address", signin_failures.c.address, signin_failures.c.failed_at)
sa.Index("signin_failures_at", signin_failures.c.failed_at)

exam_sittings = sa.Table(
    "exam_sittings", metadata,
    # one started exam attempt: what the server drew, until it is submitted or runs out of time
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("quiz", sa.String(300), nullable=False),
    sa.Column("quiz_version", sa.String(64), nullable=False),
    sa.Column("module", sa.String(300), nullable=False),
    sa.Column("questions", sa.JSON, nullable=False, comment="ids in the order shown"),
    sa.Column("shuffles", sa.JSON, nullable=False, comment="option orders and calculated values"),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("deadline", UTCDateTime, nullable=True),
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), nullable=True),
)
sa.Index("exam_sittings_learner_quiz", exam_sittings.c.learner_id, exam_sittings.c.quiz)

signoffs = sa.Table(
    "signoffs", metadata,
    sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), primary_key=True),
    sa.Column("module", sa.String(300), primary_key=True),
    sa.Column("signed_by", sa.String(64), nullable=False),
    sa.Column("signed_at", UTCDateTime, nullable=False),
    sa.Column("note", sa.String(500), nullable=False, server_default=""),
)

# --- reception drills (接待模拟) ---

drill_attempts = sa.Table(
    "drill_attempts", metadata,
    # one drill attempt, scored by cstrain/drills/score.py (never the browser's figures)
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("drill", sa.String(300), nullable=False, comment="drill ref: path under drills/"),
    sa.Column("drill_version", sa.String(64), nullable=False),
    sa.Column("module", sa.String(300), nullable=True, comment="the module page it was taken on"),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=True),
    sa.Column("submitted_at", UTCDateTime, nullable=False),
    sa.Column("replies", sa.JSON, nullable=False, comment="the transcript as scored"),
    sa.Column("result", sa.JSON, nullable=False, comment="the scorer's DrillResult.to_dict()"),
    sa.Column("weights", sa.JSON, nullable=False, comment="points of content, speed, compliance"),
    sa.Column("pass_mark", sa.Float, nullable=False),
    # what counts (reports, module status): the mentor's where a turn was re-scored
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
    sa.Column("percent", sa.Float, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    # the scorer's, kept beside the mentor's
    sa.Column("scorer_score", sa.Float, nullable=False),
    sa.Column("scorer_percent", sa.Float, nullable=False),
    sa.Column("scorer_passed", sa.Boolean, nullable=False),
    sa.Column("rules_version", sa.String(64), nullable=True,
              comment="hash of the red-line rules the scorer ran; empty: scored without them"),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("client_submitted_at", UTCDateTime, nullable=True),
    sa.CheckConstraint("source IN ('browser', 'server', 'import')", name="drill_attempts_source"),
    sa.CheckConstraint("mode IN ('practice', 'exam')", name="drill_attempts_mode"),
)
sa.Index("drill_attempts_learner_drill", drill_attempts.c.learner_id, drill_attempts.c.drill)

drill_turns = sa.Table(
    "drill_turns", metadata,
    # one turn of a drill attempt as the scorer saw it, written once with the attempt: what the
    # transcripts and the checkpoint report read
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("drill_attempts.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, comment="order in the result, from 0"),
    sa.Column("chat", sa.String(64), nullable=False),
    sa.Column("turn", sa.String(64), nullable=False),
    sa.Column("visit", sa.Integer, nullable=False),
    sa.Column("answered", sa.Boolean, nullable=False),
    sa.Column("text", sa.Text, nullable=True, comment="the reply as typed"),
    sa.Column("arrived", sa.Float, nullable=False, comment="seconds from the start"),
    sa.Column("seconds", sa.Float, nullable=True, comment="reply time"),
    sa.Column("allowed", sa.Integer, nullable=False),
    sa.Column("timed_out", sa.Boolean, nullable=False),
    sa.Column("failed", sa.Boolean, nullable=False),
    sa.Column("hit", sa.JSON, nullable=False),
    sa.Column("missed", sa.JSON, nullable=False),
    sa.Column("content", sa.Float, nullable=False),
    sa.Column("speed", sa.Float, nullable=False),
    sa.Column("compliance", sa.Float, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
)

drill_rescores = sa.Table(
    "drill_rescores", metadata,
    # a mentor's re-score of one turn (人工复核): the turn as it then stands, with why; every
    # re-score is kept, the latest of a turn counts
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("drill_attempts.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("content", sa.Float, nullable=False),
    sa.Column("speed", sa.Float, nullable=False),
    sa.Column("compliance", sa.Float, nullable=False),
    sa.Column("failed", sa.Boolean, nullable=False),
    sa.Column("comment", sa.String(1000), nullable=False),
    sa.Column("rescored_by", sa.String(64), nullable=False),
    sa.Column("rescored_at", UTCDateTime, nullable=False),
)
sa.Index("drill_rescores_attempt", drill_rescores.c.attempt_id, drill_rescores.c.position)

drill_sittings = sa.Table(
    "drill_sittings", metadata,
    # one started exam drill: the replies the server took, stamped with its clock, until it ends
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("drill", sa.String(300), nullable=False),
    sa.Column("drill_version", sa.String(64), nullable=False),
    sa.Column("module", sa.String(300), nullable=True),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("replies", sa.JSON, nullable=False, comment="as the scorer takes them, at: server time"),
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("drill_attempts.id"), nullable=True),
)
sa.Index("drill_sittings_learner_drill", drill_sittings.c.learner_id, drill_sittings.c.drill)

# --- notifications (cstrain notify): group-robot digests ---

notify_outbox = sa.Table(
    "notify_outbox", metadata,
    # one message for one group robot: queued first, then sent; what could not be sent waits
    # here for the next run, so an intranet that reaches the internet only sometimes loses nothing
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("robot", sa.String(100), nullable=False, comment="the robot's name in notify.yml"),
    sa.Column("platform", sa.String(16), nullable=False, comment="wecom | dingtalk"),
    sa.Column("payload", sa.JSON, nullable=False, comment="the message body, unsigned"),
    sa.Column("summary", sa.String(300), nullable=False, server_default=""),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("tries", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_tried_at", UTCDateTime, nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("sent_at", UTCDateTime, nullable=True),
)
sa.Index("notify_outbox_robot_sent", notify_outbox.c.robot, notify_outbox.c.sent_at)

notify_watermarks = sa.Table(
    "notify_watermarks", metadata,
    # results recorded after this moment go in the robot's next digest, and only there
    sa.Column("robot", sa.String(100), primary_key=True),
    sa.Column("last_digest_at", UTCDateTime, nullable=False),
)
