"""The catalog: every course, module and quiz of a project, loaded, validated and cross-checked."""
from cstrain.catalog.model import Catalog, Course, Module, Quiz, DEFAULT_TRACKS
from cstrain.catalog.load import load_catalog

__all__ = ["Catalog", "Course", "Module", "Quiz", "DEFAULT_TRACKS", "load_catalog"]
