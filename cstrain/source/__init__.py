"""Reading source files: bytes → text → YAML data with a line for every path."""
from cstrain.source.text import read_text
from cstrain.source.yamlnodes import Located, load_yaml
from cstrain.source.frontmatter import split_front_matter

__all__ = ["read_text", "Located", "load_yaml", "split_front_matter"]
