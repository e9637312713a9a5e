import os
from pathlib import Path

import pytest

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture
def starter(tmp_path) -> Path:
    """A fresh copy of the project ``cstrain init`` creates."""
    from cstrain.scaffold import create_project

    root = tmp_path / "training"
    create_project(root)
    return root
