"""Shared SQLite connection handling for the embedded queue and the
rate limiter, which live in the same file.

One connection per thread and process: sqlite3 connections must not cross
threads, and a connection inherited through fork() must never be reused.
"""

import os
import sqlite3
import threading

_local = threading.local()


def connect(path):
    """Return this thread's connection to ``path`` (created on first use)."""
    key = (os.getpid(), path)
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
        conn = sqlite3.connect(path, timeout=30, isolation_level=None,
                               check_same_thread=True)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit is on disk before we answer 202 (nothing lost on
        # power failure); WAL keeps it cheap (one fsync of the log).
        conn.execute("PRAGMA synchronous = FULL")
        conns[key] = conn
    return conn


class transaction:
    """``with transaction(conn):`` -- BEGIN IMMEDIATE ... COMMIT/ROLLBACK."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
        return False
