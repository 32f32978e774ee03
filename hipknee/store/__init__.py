"""Where a log lives: the store's interface over its schema, engines, file checks, migrations and backups."""

from .store import Store, open_store

__all__ = ["Store", "open_store"]
