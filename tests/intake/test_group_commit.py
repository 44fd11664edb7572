"""Group commit on the embedded queue (sqlitedb.group_commit), the
durability settings, and the rate limit's check-and-count in one step.

Batches are formed deterministically: the test holds the file's write lock,
lets the senders queue up behind it, then releases it, so the next lock
holder commits all of them in one transaction."""

import os
import sqlite3
import threading
import time

import pytest

from chalicelib import abuse, queues, sqlitedb


def queued(path):
    return len(sqlitedb._pending.get((os.getpid(), path), []))


def wait_until_queued(path, n):
    deadline = time.monotonic() + 60   # guard against a hang, not a timing check
    while queued(path) < n:
        assert time.monotonic() < deadline, f"only {queued(path)} of {n} queued"
        time.sleep(0.005)


def run_threads(targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    return threads


def stored_bodies(path):
    with sqlite3.connect(path) as fresh:     # a connection of its own: sees commits only
        return sorted(body for (body,) in fresh.execute("SELECT body FROM messages"))


def test_parallel_sends_are_all_stored_once(tmp_path):
    q = queues.SQLiteQueue(str(tmp_path / "q.sqlite3"))
    q.approximate_count()
    n = 12
    ids, errors = {}, []

    def sender(i):
        def run():
            try:
                ids[i] = q.send(f"m{i}")
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
        return run

    with sqlitedb.write_lock(q.path):
        threads = run_threads([sender(i) for i in range(n)])
        wait_until_queued(q.path, n)
    for t in threads:
        t.join()
    assert not errors
    assert len(set(ids.values())) == n
    assert stored_bodies(q.path) == sorted(f"m{i}" for i in range(n))
    assert sorted(m.body for m in q.receive(10) + q.receive(10)) == sorted(f"m{i}" for i in range(n))


def test_a_batch_commits_once_and_every_caller_returns_after_it(tmp_path):
    path = str(tmp_path / "g.sqlite3")
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE t (v TEXT)")
    setup.commit()
    setup.close()
    n = 8
    seen_conns, results, visible = [], {}, {}

    def work(i):
        def fn(conn):
            seen_conns.append(id(conn))
            conn.execute("INSERT INTO t VALUES (?)", (f"v{i}",))
            return i
        return fn

    def caller(i):
        def run():
            results[i] = sqlitedb.group_commit(path, work(i))
            with sqlite3.connect(path) as fresh:   # committed by the time we return
                visible[i] = fresh.execute("SELECT COUNT(*) FROM t WHERE v = ?",
                                           (f"v{i}",)).fetchone()[0]
        return run

    with sqlitedb.write_lock(path):
        threads = run_threads([caller(i) for i in range(n)])
        wait_until_queued(path, n)
    for t in threads:
        t.join()
    assert results == {i: i for i in range(n)}
    assert visible == {i: 1 for i in range(n)}
    assert len(set(seen_conns)) == 1          # all ran in one thread's transaction


def test_a_failing_item_is_rolled_back_alone(tmp_path):
    path = str(tmp_path / "g.sqlite3")
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE t (v TEXT)")
    setup.commit()
    setup.close()
    outcomes = {}

    def fn(i):
        def run(conn):
            conn.execute("INSERT INTO t VALUES (?)", (f"v{i}",))
            if i == 2:
                raise ValueError("bad item")
            return i
        return run

    def caller(i):
        def run():
            try:
                outcomes[i] = sqlitedb.group_commit(path, fn(i))
            except ValueError as exc:
                outcomes[i] = str(exc)
        return run

    with sqlitedb.write_lock(path):
        threads = run_threads([caller(i) for i in range(5)])
        wait_until_queued(path, 5)
    for t in threads:
        t.join()
    assert outcomes == {0: 0, 1: 1, 2: "bad item", 3: 3, 4: 4}
    with sqlite3.connect(path) as fresh:
        assert sorted(v for (v,) in fresh.execute("SELECT v FROM t")) == ["v0", "v1", "v3", "v4"]


def test_failed_begin_fails_every_caller_of_the_batch(tmp_path):
    """Another process holds the write lock past the busy timeout: nobody in
    the batch is told their work was stored."""
    path = str(tmp_path / "q.sqlite3")
    q = queues.SQLiteQueue(path)
    q.approximate_count()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    outcomes = []
    try:
        def sender():
            conn = sqlitedb.connect(path)
            conn.execute("PRAGMA busy_timeout = 0")
            try:
                q.send("x")
                outcomes.append("sent")
            except queues.QueueUnavailable:
                outcomes.append("unavailable")
        threads = run_threads([sender for _ in range(4)])
        for t in threads:
            t.join()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert outcomes == ["unavailable"] * 4
    assert stored_bodies(path) == []


def test_parallel_retries_with_one_dedup_id_store_one_message(tmp_path):
    q = queues.SQLiteQueue(str(tmp_path / "q.sqlite3"))
    q.approximate_count()
    ids = []
    with sqlitedb.write_lock(q.path):
        threads = run_threads([lambda: ids.append(q.send("same", dedup_id="k1")) for _ in range(10)])
        wait_until_queued(q.path, 10)
    for t in threads:
        t.join()
    assert len(ids) == 10 and len(set(ids)) == 1
    assert stored_bodies(q.path) == ["same"]


def test_queue_commits_are_fsynced_rate_limit_commits_are_not(tmp_path):
    q = queues.SQLiteQueue(str(tmp_path / "q.sqlite3"))
    q.send("x")
    state = abuse.SQLiteState(q.path)
    state.hit("k", 60)
    full, normal = 2, 1
    assert sqlitedb.connect(q.path, durable=True).execute("PRAGMA synchronous").fetchone()[0] == full
    assert sqlitedb.connect(q.path, durable=False).execute("PRAGMA synchronous").fetchone()[0] == normal
    assert sqlitedb.connect(q.path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_one_connection_per_thread_is_reused(tmp_path):
    path = str(tmp_path / "q.sqlite3")
    assert sqlitedb.connect(path) is sqlitedb.connect(path)
    other = []
    t = threading.Thread(target=lambda: other.append(sqlitedb.connect(path)))
    t.start()
    t.join()
    assert other[0] is not sqlitedb.connect(path)


# --- the rate limit: check and count in one step -------------------------------

@pytest.fixture(params=["sqlite", "memory"])
def state(request, tmp_path):
    if request.param == "sqlite":
        return abuse.SQLiteState(str(tmp_path / "q.sqlite3"))
    return abuse.MemoryState()


def test_acquire_counts_and_release_gives_back(state):
    now = 1_000_000.0
    wait, first = state.acquire("k", 2, 600, now=now)
    assert wait == 0 and first is not None
    wait, second = state.acquire("k", 2, 600, now=now + 1)
    assert wait == 0 and second is not None
    wait, refused = state.acquire("k", 2, 600, now=now + 2)
    assert refused is None and 1 <= wait <= 601
    assert state.retry_after("k", 2, 600, now=now + 2) == wait
    state.release(second)
    wait, third = state.acquire("k", 2, 600, now=now + 3)
    assert wait == 0 and third is not None
    assert state.acquire("other", 2, 600, now=now + 3)[0] == 0   # per key
    assert state.acquire("k", 2, 600, now=now + 601)[0] == 0      # the window moved on


def test_parallel_acquires_never_pass_the_limit(state):
    limit, granted = 5, []
    barrier = threading.Barrier(24)

    def run():
        barrier.wait()
        wait, ticket = state.acquire("client", limit, 600)
        if not wait:
            granted.append(ticket)

    for t in run_threads([run] * 24):
        t.join()
    assert len(granted) == limit
