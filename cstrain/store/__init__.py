"""The tracking store: who is learning what (SQLite by default, PostgreSQL by URL)."""
from cstrain.store.engine import Store, lock, open_store, resolve_url, upsert

__all__ = ["Store", "lock", "open_store", "resolve_url", "upsert"]
