"""A team's own words for the roster: ``team/roster.yml``.

HR's sheet is whatever HR's system exports. cstrain already reads the usual headers and role
words (:data:`COLUMNS`, :data:`ROLE_WORDS`); a team whose sheet says 部门 for 组别 or 外包客服
for a learner says so once, here::

    headers:            # the sheet's column: the column cstrain reads
      部门: 组别
      带教老师: 师傅
    roles:              # the sheet's 角色: learner, mentor or supervisor
      外包客服: learner
      客服经理: supervisor

Every key and value is checked (``team/roster.yml:3: headers.部门: …``) before any roster is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cstrain.errors import Problem, SourceError, ValidationFailed
from cstrain.i18n import msg
from cstrain.source.text import read_text
from cstrain.source.yamlnodes import load_yaml
from cstrain.tracking.tabular import header_key

SETTINGS_FILE = Path("team") / "roster.yml"

# field → accepted column names: English, the Chinese header, then the variants HR sheets use.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "工号", "员工编号", "员工工号", "职工号", "employee_id"),
    "name": ("name", "姓名", "名字", "员工姓名", "员工名称"),
    "team": ("team", "组别", "小组", "所属小组", "班组"),
    "store": ("store", "店铺", "所属店铺"),
    "cohort": ("cohort", "批次", "入职批次"),
    "role": ("role", "角色"),
    "mentor": ("mentor", "师傅", "带教师傅", "带教", "带教老师", "导师"),
    "hired_on": ("hired_on", "入职日期", "入职时间", "到岗日期"),
    "phone": ("phone", "手机号", "手机", "手机号码", "联系电话", "电话", "mobile"),
}
REQUIRED = ("id", "name")
ROLES = ("learner", "mentor", "supervisor")
# role → the words a sheet may use for it; the Chinese word cstrain shows comes first.
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "learner": ("学员", "learner", "新人", "临时工", "实习生"),
    "mentor": ("师傅", "mentor", "带教"),
    "supervisor": ("主管", "supervisor", "组长"),
}


@dataclass(frozen=True)
class RosterSettings:
    """The columns and role words a roster import reads: cstrain's, plus the team's own."""

    headers: dict[str, str] = field(default_factory=dict)  # a sheet's header → field
    roles: dict[str, str] = field(default_factory=dict)    # a sheet's word → role
    path: str | None = None                                 # the file they came from

    def columns(self) -> dict[str, tuple[str, ...]]:
        """Field → accepted names, the team's headers added to (and taken from) cstrain's."""
        own = {header_key(name) for name in self.headers}
        merged = {name: tuple(alias for alias in aliases if header_key(alias) not in own)
                  for name, aliases in COLUMNS.items()}
        for header, name in self.headers.items():
            merged[name] += (header,)
        return merged

    def role(self, word: str) -> str | None:
        """The role a 角色 cell names; None for a word neither cstrain nor the team knows."""
        key = word.strip().casefold()
        for written, role in self.roles.items():
            if written.strip().casefold() == key:
                return role
        for role, words in ROLE_WORDS.items():
            if key in (w.casefold() for w in words):
                return role
        return None

    def role_hint(self) -> str:
        where = self.path or SETTINGS_FILE.as_posix()
        return msg("cli_role_hint", words=", ".join(w[0] for w in ROLE_WORDS.values()), file=where)


def load_roster_settings(root: Path | None) -> RosterSettings:
    """``team/roster.yml`` of the project at ``root``; cstrain's defaults when there is none.
    Raises ValidationFailed with every problem, each at its line."""
    if root is None or not (root / SETTINGS_FILE).is_file():
        return RosterSettings()
    rel = SETTINGS_FILE.as_posix()
    try:
        located = load_yaml(read_text(root / SETTINGS_FILE, rel), rel)
    except SourceError as exc:
        raise ValidationFailed([exc.problem]) from None
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        raise ValidationFailed([Problem(rel, 1, msg("cli_roster_yml_mapping"))])
    problems = []
    for key in data:
        if key not in ("headers", "roles"):
            problems.append(Problem(rel, located.line((key,)),
                                    msg("cli_roster_yml_unknown", key=key)))
    headers = _mapping(data, "headers", located, rel, problems, _column_of,
                       msg("cli_roster_yml_columns", names=", ".join(a[1] for a in COLUMNS.values())))
    roles = _mapping(data, "roles", located, rel, problems, _role_of,
                     msg("cli_roster_yml_roles"))
    if problems:
        raise ValidationFailed(problems)
    return RosterSettings(headers, roles, rel)


def _column_of(value: str) -> str | None:
    key = header_key(value)
    for name, aliases in COLUMNS.items():
        if key in (header_key(alias) for alias in aliases[:2]):
            return name
    return None


def _role_of(value: str) -> str | None:
    key = value.strip().casefold()
    return next((role for role, words in ROLE_WORDS.items() if key in words[:2]), None)


def _mapping(data: dict, section: str, located, rel: str, problems: list, resolve,
             expected) -> dict[str, str]:
    value = data.get(section)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(rel, located.line((section,)),
                                msg("cli_roster_yml_not_mapping", section=section, expected=expected)))
        return {}
    result = {}
    seen: dict[str, str] = {}
    for word, target in value.items():
        line = located.line((section, word))
        word_text = str(word).strip()
        if not word_text:
            problems.append(Problem(rel, line, msg("cli_roster_yml_empty_key", section=section)))
            continue
        resolved = resolve(str(target)) if isinstance(target, (str, int)) else None
        if resolved is None:
            problems.append(Problem(rel, line, msg("cli_roster_yml_bad_target", section=section,
                                                   word=word_text, target=target,
                                                   expected=expected)))
            continue
        key = header_key(word_text) if section == "headers" else word_text.casefold()
        if key in seen:
            problems.append(Problem(rel, line, msg("cli_roster_yml_same", section=section,
                                                   word=word_text, other=seen[key])))
            continue
        seen[key] = word_text
        result[word_text] = resolved
    return result
