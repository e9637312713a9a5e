"""The exam the exam and fuzz tests serve: every question type, 7 of 8 drawn, shuffled."""
from __future__ import annotations

EXAM = "pre-sales/final-exam"
EXAM_MODULE = "pre-sales/final-exam"

EXAM_YAML = """\
title: 售前接待 · 结业考试
mode: exam
shuffle: true
draw: 7
attempts: 2
time_limit: 10m
pass_mark: 60
questions:
  - id: best-reply
    type: single
    prompt: 买家发来“在吗？”，哪一句回复最合适？
    options:
      - {text: 亲，在的～请问您想了解哪一款呢？, correct: true, feedback: 有称呼、有引导。}
      - {text: 在, feedback: 太简短。}
      - {text: 有事直接说, feedback: 语气生硬。}
    explanation: 首次回复要快、要有称呼。
  - id: greeting-parts
    type: multiple
    prompt: 欢迎语应当包含哪些内容？
    options:
      - {text: 称呼, correct: true}
      - {text: 身份, correct: true}
      - {text: 全部活动介绍}
    explanation: 称呼和身份。
  - id: shortcut
    type: true_false
    prompt: 快捷短语可以缩短首次响应时间。
    answer: true
  - id: greeting-word
    type: fill
    prompt: 称呼买家的字是“___”。
    answers: [亲]
  - id: order-value
    type: numeric
    prompt: 销售额 6000 元，付款 40 人，客单价是多少元？
    answer: 150
    unit: 元
  - id: conversion
    type: calculated
    prompt: 询单 {inquiries} 人，付款 {buyers} 人，转化率是多少（%）？
    variables:
      inquiries: {min: 200, max: 800}
      buyers: {min: 50, max: 180}
    answer: round(buyers / inquiries * 100, 1)
    tolerance: 0.1
    unit: "%"
  - id: steps
    type: ordering
    prompt: 把步骤排好。
    items: [认同感受, 说明价值, 询问需求, 推荐款式]
  - id: concerns
    type: matching
    prompt: 配对。
    pairs:
      - [担心收货慢, 说明发货时效]
      - [担心不合适, 说明退换保障]
      - [觉得质量一般, 介绍材质做工]
"""

EXAM_PAGE = """\
---
id: final-exam
title: 结业考试
quiz: pre-sales/final-exam
---

考试由服务器评分。
"""


def add_exam(root, yaml_text: str = EXAM_YAML) -> None:
    """Give a starter project an exam module (third in the course) with the quiz above."""
    (root / "quizzes/pre-sales/final-exam.yml").write_text(yaml_text, encoding="utf-8")
    (root / "courses/pre-sales/03-final-exam.md").write_text(EXAM_PAGE, encoding="utf-8")
    course = root / "courses/pre-sales/course.yml"
    course.write_text(course.read_text(encoding="utf-8") + "  - 03-final-exam.md\n", encoding="utf-8")
