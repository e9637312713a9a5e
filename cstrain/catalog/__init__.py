"""The catalog: every course, module, quiz and drill of a project, loaded, validated and cross-checked."""
from cstrain.catalog.model import Catalog, Course, Drill, Module, Quiz, DEFAULT_TRACKS
from cstrain.catalog.load import load_catalog

__all__ = ["Catalog", "Course", "Drill", "Module", "Quiz", "DEFAULT_TRACKS", "load_catalog"]
