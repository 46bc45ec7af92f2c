"""Store access for a threaded server: a pool of read-only connections and one writer."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from tacitus.store import Store

__all__ = ["StoreAccess"]

POOL_SIZE = 32
MEMO_MAX_AGE = 600.0
MEMO_MIN_AGE = 30.0
MEMO_MAX_ENTRIES = 1024

T = TypeVar("T")


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
        self._memo: dict[Any, tuple[Any, float, Any]] = {}
        # Another process may write to a file store: keep values a while regardless.
        self.min_age = MEMO_MIN_AGE if self.path is not None else 0.0
        self._memo_locks: dict[Any, threading.Lock] = {}

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
            try:
                yield writer
            finally:
                self._memo.clear()

    def version(self) -> Any:
        """Changes whenever the data may have: file sizes and times, or the change count."""
        if self.path is None:
            assert self._writer is not None
            return self._writer.db.total_changes
        out: list[tuple[int, int] | None] = []
        for suffix in ("", "-wal"):
            try:
                st = os.stat(f"{self.path}{suffix}")
                out.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def memo(self, key: Any, compute: Callable[[Store], T], *, max_age: float = MEMO_MAX_AGE) -> T:
        """`compute(store)`, remembered until the store changes: for slow aggregates
        (counts, most active actors and dyads) that every home page needs.

        While another process writes to the file, a value is kept for `min_age` seconds
        anyway, so a running ingest does not make every page recompute; writes made
        through this server forget the memo at once.
        """
        with self._lock:
            lock = self._memo_locks.setdefault(key, threading.Lock())
        with lock:  # one computation per key at a time; the others wait for its result
            version = self.version()
            hit = self._memo.get(key)
            age = time.monotonic() - hit[1] if hit else 0.0
            if hit and (hit[0] == version or age < self.min_age) and age < max_age:
                value: T = hit[2]
                return value
            with self.read() as store:
                value = compute(store)
            self._memo[key] = (version, time.monotonic(), value)
        if len(self._memo) > MEMO_MAX_ENTRIES:
            entries = list(self._memo.items())  # a snapshot: other keys may be filling
            entries.sort(key=lambda item: item[1][1])
            for old, _ in entries[: len(entries) // 4]:
                self._memo.pop(old, None)
        return value

    def warm(self, *keys_and_computes: tuple[Any, Callable[[Store], Any]]) -> threading.Thread:
        """Fill the memo in the background so the first visitor does not wait."""

        def run() -> None:
            for key, compute in keys_and_computes:
                try:
                    self.memo(key, compute)
                except Exception:  # a failure shows up again, and is reported, on request
                    return

        thread = threading.Thread(target=run, name="tacitus-warm", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        if self._owned:
            for store in self._all:
                store.close()
        self._all.clear()
