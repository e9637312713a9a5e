"""JSON Schema of the source files, derived from the pydantic models, for editors."""
from __future__ import annotations

import json
from pathlib import Path

from cstrain.format.course import CourseSpec
from cstrain.format.drill import DrillSpec
from cstrain.format.module import ModuleMeta
from cstrain.format.quiz import QuizSpec

SCHEMAS = {
    "course": (CourseSpec, "cstrain course.yml"),
    "module": (ModuleMeta, "cstrain module front matter"),
    "quiz": (QuizSpec, "cstrain quiz file"),
    "drill": (DrillSpec, "cstrain drill file"),
}


def schema(name: str) -> dict:
    model, title = SCHEMAS[name]
    data = model.model_json_schema(mode="validation")
    data["title"] = title
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **data}


def write_schemas(out_dir: str | Path) -> list[Path]:
    """Write ``<name>.schema.json`` for each file kind into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(schema(name), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
