"""Store access for a threaded server: a pool of read-only connections and one writer."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tacitus.store import Store

__all__ = ["StoreAccess"]

POOL_SIZE = 32


class StoreAccess:
    """Lends a Store to one request at a time.

    Given a path, each borrower gets its own read-only connection from a pool (SQLite
    reads then run in parallel) and writes go through one writable Store under a lock.
    Given a Store (tests, ":memory:"), that one Store is lent to one borrower at a time.
    """

    def __init__(self, store: str | Path | Store, *, pool_size: int = POOL_SIZE) -> None:
        self._pool: queue.LifoQueue[Store] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._all: list[Store] = []
        self._writer: Store | None = None
        self._write_lock = threading.Lock()
        self._owned = True
        if isinstance(store, Store):  # the caller owns it and closes it
            self.path: Path | None = None
            self._limit = 1
            self._owned = False
            self._writer = store
            self._add(store)
        elif str(store) == ":memory:":
            self.path = None
            self._limit = 1
            self._writer = Store(":memory:")
            self._add(self._writer)
        else:
            self.path = Path(store)
            self._limit = pool_size
            self._open(self.path).close()  # fail now, not on the first request
        self._created = len(self._all)

    def _add(self, store: Store) -> None:
        self._all.append(store)
        self._pool.put(store)

    @staticmethod
    def _open(path: Path) -> Store:
        return Store(path, readonly=True)

    def _borrow(self) -> Store:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._created < self._limit and self.path is not None:
                self._created += 1
                store = self._open(self.path)
                self._all.append(store)
                return store
        return self._pool.get()

    @contextmanager
    def read(self) -> Iterator[Store]:
        store = self._borrow()
        try:
            yield store
        finally:
            self._pool.put(store)

    @contextmanager
    def write(self) -> Iterator[Store]:
        if self.path is None:  # one shared Store: writing is borrowing it
            with self.read() as store:
                yield store
            return
        with self._lock:
            if self._writer is None:
                self._writer = Store(self.path)
                self._all.append(self._writer)
            writer = self._writer
        with self._write_lock:
            yield writer

    def close(self) -> None:
        if self._owned:
            for store in self._all:
                store.close()
        self._all.clear()
