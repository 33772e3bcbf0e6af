"""A readers-writer lock for the store: many readers at once, or one writer.

Requests that only read (queries, page views) hold the lock shared, so they never wait for one
another; a request that writes holds it exclusively for its whole handler, so Aquarium's
transactions stay atomic. Waiting writers go first (new readers queue behind them), so a stream
of queries cannot starve a save.

Both modes are reentrant in the thread that holds them: a handler holding the write lock may read
(the store's own methods take the read lock on every call), and nested reads only count. A thread
holding only the read lock cannot start writing, since two readers upgrading at once would wait
for each other forever; :meth:`ReadWriteLock.write` raises :class:`UpgradeNeeded` instead, and
the app runs that request again from the start under the write lock (nothing was written yet).

``with lock:`` holds the lock in whatever mode is enough for a consistent view: nothing more when
the thread already holds it, else exclusively. Code outside a request (the direct Python API,
builders, seeding) uses it to make several store calls as one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


class UpgradeNeeded(BaseException):
    """A thread holding the read lock asked for the write lock.

    A :class:`BaseException` so that handlers' ``except Exception`` blocks let it pass: the app
    catches it and runs the request again as a writer.
    """


class ReadWriteLock:
    """Shared (:meth:`read`) or exclusive (:meth:`write`) holding, writer-preferring, reentrant."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: int | None = None
        self._writer_depth = 0
        self._waiting_writers = 0
        self._local = threading.local()

    def _read_depth(self) -> int:
        depth: int = getattr(self._local, "depth", 0)
        return depth

    @property
    def held(self) -> bool:
        """Whether the calling thread holds the lock, in either mode."""
        return self._writer == threading.get_ident() or self._read_depth() > 0

    @property
    def writing(self) -> bool:
        """Whether the calling thread holds the lock exclusively."""
        return self._writer == threading.get_ident()

    def read(self) -> AbstractContextManager[None]:
        """Hold the lock shared (nothing more if this thread already holds it)."""
        return _Shared(self)

    @contextmanager
    def write(self) -> Iterator[None]:
        """Hold the lock exclusively; :class:`UpgradeNeeded` if this thread only reads."""
        me = threading.get_ident()
        if self._writer == me:
            self._writer_depth += 1
            try:
                yield
            finally:
                self._writer_depth -= 1
            return
        if self._read_depth():
            raise UpgradeNeeded("a write was attempted while holding the store's read lock")
        with self._cond:
            self._waiting_writers += 1
            try:
                while self._writer is not None or self._readers:
                    self._cond.wait()
            finally:
                self._waiting_writers -= 1
            self._writer, self._writer_depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._writer_depth = 0
                self._writer = None
                self._cond.notify_all()

    def hold(self) -> AbstractContextManager[None]:
        """Enough of the lock for a consistent view: shared if already held, else exclusive."""
        return self.read() if self.held else self.write()

    def __enter__(self) -> None:
        held = self.hold()
        held.__enter__()
        stack: list[AbstractContextManager[None]] = self._local.__dict__.setdefault("stack", [])
        stack.append(held)

    def __exit__(self, *exc: object) -> None:
        self._local.stack.pop().__exit__(None, None, None)


class _Shared:
    """One shared holding of a :class:`ReadWriteLock` (see :meth:`ReadWriteLock.read`).

    A plain context manager rather than a generator: the store takes the read lock on every
    call, mostly nested inside a request's own, and the nested case is only a counter.
    """

    __slots__ = ("_depth", "_lock")

    def __init__(self, lock: ReadWriteLock) -> None:
        self._lock = lock
        self._depth: int | None = None

    def __enter__(self) -> None:
        lock = self._lock
        if lock._writer == threading.get_ident():
            return  # the writer reads freely; _depth stays None: nothing to undo
        depth = lock._read_depth()
        if depth == 0:
            with lock._cond:
                while lock._writer is not None or lock._waiting_writers:
                    lock._cond.wait()
                lock._readers += 1
        lock._local.depth = depth + 1
        self._depth = depth

    def __exit__(self, *exc: object) -> None:
        depth = self._depth
        if depth is None:
            return
        lock = self._lock
        lock._local.depth = depth
        if depth == 0:
            with lock._cond:
                lock._readers -= 1
                if not lock._readers:
                    lock._cond.notify_all()
