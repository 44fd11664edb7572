"""Shared SQLite connection handling for the embedded queue and the
rate limiter, which live in the same file.

One connection per thread, process and durability class: sqlite3
connections must not cross threads, and a connection inherited through
fork() must never be reused. Connections are kept for the thread's life, so
a server with long-lived worker threads (``local.py``) opens each once.

Durability (WAL journal):

- ``durable=True`` (the queue): ``synchronous = FULL``: COMMIT returns only
  after the write-ahead log is fsynced, so a message whose send returned
  survives a process crash, an OS crash and a power cut. A submission is
  answered 202 only after that.
- ``durable=False`` (rate-limit bookkeeping): ``synchronous = NORMAL``: the
  commit is in the log (it survives a crash of the process) but is fsynced
  with the next durable commit or checkpoint, so an OS crash or power cut
  may forget the last few rate-limit hits. That bookkeeping already fails
  open, and it is not worth an fsync per request.

Writers in one process take a per-file lock before ``BEGIN IMMEDIATE``:
SQLite's own busy handler waits by sleeping (1 ms, 2 ms, 5 ms, ...), which
under many threads costs far more than the transactions themselves. Other
processes still meet SQLite's lock and ``busy_timeout`` as before.

``group_commit`` runs the writes of several threads in one transaction, so
concurrent durable sends share one fsync (see there).
"""

import os
import threading

_local = threading.local()
_locks_guard = threading.Lock()
_locks = {}


def _sqlite3():
    import sqlite3  # here, not at import: the SQS setup never needs it
    return sqlite3


def write_lock(path):
    """The in-process lock every write transaction on ``path`` takes."""
    key = (os.getpid(), path)   # a lock inherited through fork() may be held
    lock = _locks.get(key)
    if lock is None:
        with _locks_guard:
            lock = _locks.setdefault(key, threading.Lock())
    return lock


def connect(path, durable=True):
    """Return this thread's connection to ``path`` (created on first use)."""
    key = (os.getpid(), path, durable)
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    conn = conns.get(key)
    if conn is None:
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a
        # transaction takes the write lock up front instead of failing
        # half-way with "database is locked" when it upgrades.
        conn = _sqlite3().connect(path, timeout=30, isolation_level=None,
                                  check_same_thread=True)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
        conns[key] = conn
    return conn


class transaction:
    """``with transaction(conn, path):`` -- BEGIN IMMEDIATE ... COMMIT/ROLLBACK,
    holding ``write_lock(path)`` (omit ``path`` to skip the in-process lock)."""

    def __init__(self, conn, path=None):
        self.conn = conn
        self.lock = write_lock(path) if path is not None else None

    def __enter__(self):
        if self.lock is not None:
            self.lock.acquire()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            if self.lock is not None:
                self.lock.release()
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    _rollback(self.conn)
                    raise
            else:
                _rollback(self.conn)
        finally:
            if self.lock is not None:
                self.lock.release()
        return False


def _rollback(conn):
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except Exception:
        pass


# --- group commit -------------------------------------------------------------

class _Work:
    __slots__ = ("fn", "done", "result", "error")

    def __init__(self, fn):
        self.fn = fn
        self.done = False
        self.result = None
        self.error = None


_pending_guard = threading.Lock()
_pending = {}


def _after_fork_in_child():
    # Another thread may have held a guard at fork(); the child starts clean
    # (its locks and queued work are keyed by its own pid anyway).
    global _locks_guard, _pending_guard
    _locks_guard, _pending_guard = threading.Lock(), threading.Lock()
    _locks.clear()
    _pending.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def group_commit(path, fn):
    """Run ``fn(conn)`` in a durable write transaction on ``path`` and return
    its result once that transaction has committed (fsynced).

    Threads that arrive while another thread's transaction is committing
    queue their work; the next thread to get the write lock runs every
    queued piece of work in one transaction, each in its own SAVEPOINT (one
    that raises is rolled back alone and its caller gets the exception), and
    commits once. Every caller returns only after the COMMIT that contains
    its work, so the guarantee is the same as a transaction of its own; the
    fsync is shared. If the COMMIT fails, every caller of that batch gets the
    exception and none of their work is stored.
    """
    work = _Work(fn)
    key = (os.getpid(), path)
    with _pending_guard:
        _pending.setdefault(key, []).append(work)
    with write_lock(path):
        if work.done:                       # a batch before us committed it
            return _outcome(work)
        with _pending_guard:
            batch = _pending.pop(key, [])
        try:
            conn = connect(path, durable=True)
            conn.execute("BEGIN IMMEDIATE")
        except BaseException as exc:
            _finish(batch, exc)
            raise
        try:
            if len(batch) == 1:             # alone: its own transaction
                item = batch[0]
                try:
                    item.result = item.fn(conn)
                except Exception as exc:
                    item.error = exc
                if item.error is None:
                    conn.execute("COMMIT")
                else:
                    _rollback(conn)
            else:
                for item in batch:
                    conn.execute("SAVEPOINT item")
                    try:
                        item.result = item.fn(conn)
                    except Exception as exc:
                        conn.execute("ROLLBACK TO item")
                        item.error = exc
                    conn.execute("RELEASE item")
                conn.execute("COMMIT")
        except BaseException as exc:
            _rollback(conn)
            _finish(batch, exc)
            raise
        for item in batch:
            item.done = True
    return _outcome(work)


def _finish(batch, exc):
    for item in batch:
        item.result, item.error, item.done = None, exc, True


def _outcome(work):
    if work.error is not None:
        raise work.error
    return work.result
