"""Building the static site: the MkDocs plugin, the pages it generates, and ``cstrain build``."""
