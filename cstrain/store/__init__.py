"""The tracking store: who is learning what (SQLite by default, PostgreSQL by URL)."""
from cstrain.store.engine import Store, open_store, resolve_url, upsert

__all__ = ["Store", "open_store", "resolve_url", "upsert"]
