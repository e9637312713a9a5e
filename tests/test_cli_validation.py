"""Validation messages in both languages: every pydantic error type that cstrain's source
models can produce (each model driven with bad input here) has a message of cstrain's own in
zh and en (cstrain/catalog/problems.py, val_* keys of cstrain/i18n/<language>.cli.json)."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from pydantic import ValidationError

import cstrain.format
from cstrain.catalog.problems import HANDLED, _clean_loc, _message
from cstrain.format.base import SourceModel
from cstrain.i18n import Message, speaking
from test_cli_lang import untranslated

for _module in ("cstrain.notify.config", "cstrain.tracking.levels", "cstrain.tracking.plans",
                "cstrain.redlines.packs", "cstrain.format.replies"):
    importlib.import_module(_module)
for _info in pkgutil.iter_modules(cstrain.format.__path__):
    importlib.import_module(f"cstrain.format.{_info.name}")

BAD = [None, True, 0, -1, 7, 10**400, 1.5, 1000.0, float("nan"), "", "x", "Not Valid!", "a" * 30_001,
       [], [1], ["x"] * 300, {}, {"x": 1}, "2026-13-45", "单选", "../up.md"]


def _models() -> list[type]:
    found, todo = [], [SourceModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.append(sub)
                todo.append(sub)
    return found


def _errors() -> list[dict]:
    errors = []
    for model in _models():
        inputs = [{}, {"not_a_field": 1}, "text", []]
        inputs += [{name: value} for name in model.model_fields for value in BAD]
        for data in inputs:
            try:
                model.model_validate(data)
            except ValidationError as exc:
                errors.extend(exc.errors())
    return errors


ERRORS = _errors()
KINDS = sorted({e["type"] for e in ERRORS})


def test_the_models_are_driven_hard():
    assert len(_models()) >= 30
    for kind in ("missing", "extra_forbidden", "string_type", "int_parsing", "literal_error",
                 "greater_than_equal", "too_short", "string_pattern_mismatch", "value_error"):
        assert kind in KINDS


def test_every_error_type_has_a_message_of_cstrains_own():
    assert set(KINDS) <= HANDLED, sorted(set(KINDS) - HANDLED)


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in
                                  ("value_error", "assertion_error", "union_tag_invalid",
                                   "union_tag_not_found")])
def test_each_type_is_said_in_both_languages(kind):
    seen = 0
    for error in ERRORS:
        if error["type"] != kind:
            continue
        seen += 1
        message = _message(error, _clean_loc(tuple(error["loc"])), {})
        assert isinstance(message, Message), (kind, message)
        en, zh = message.in_language("en"), message.in_language("zh")
        assert en == str(message) and en != zh
        assert re.search(r"[\u4e00-\u9fff]", zh), zh
        assert not untranslated(zh), (kind, zh)
    assert seen


import re  # noqa: E402


OWN_RULES = ("cstrain.notify.config", "cstrain.tracking.plans", "cstrain.tracking.levels",
             "cstrain.format.course", "cstrain.format.quiz", "cstrain.format.module")


def test_the_rules_of_notify_and_plan_files_speak_both_languages():
    """Their validators' own refusals (value_error) carry a message key too."""
    said = 0
    FIELDS = ("SEC", "webhook", *{f for m in _models() if m.__module__ in OWN_RULES for f in m.model_fields})
    for model in _models():
        if model.__module__ not in OWN_RULES:
            continue
        inputs = [{name: value} for name in model.model_fields for value in BAD]
        inputs += [{"name": "a", "platform": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send"},
                   {"name": "a", "platform": "wecom", "url": "https://qyapi.weixin.qq.com/x?key=1", "secret": "x"},
                   {"robots": [{"name": "a", "platform": "wecom", "url": "https://q.cn/?key=1"}] * 2}]
        for data in inputs:
            try:
                model.model_validate(data)
            except ValidationError as exc:
                for error in exc.errors():
                    if error["type"] != "value_error":
                        continue
                    message = _message(error, tuple(error["loc"]), {})
                    assert isinstance(message, Message), (model.__name__, message)
                    assert not untranslated(message.in_language("zh"), also=FIELDS), message
                    said += 1
    assert said >= 20
