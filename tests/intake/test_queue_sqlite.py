"""Embedded queue specifics: several processes at once, URL parsing."""

import multiprocessing
import os

import pytest

from chalicelib import queues

SENDERS, RECEIVERS, PER_SENDER = 3, 3, 150


def _send(path, sender):
    q = queues.SQLiteQueue(path)
    for i in range(PER_SENDER):
        q.send(f"{sender}:{i}")


def _receive(path, results, expected):
    q = queues.SQLiteQueue(path)
    idle = 0
    while idle < 40:   # ~2 s without messages: the senders are done
        batch = q.receive(max_messages=10, visibility_timeout=60, wait_seconds=0.05)
        if not batch:
            idle += 1
            continue
        idle = 0
        for m in batch:
            assert q.delete(m.receipt_handle)
            results.put(m.body)


def test_concurrent_processes_lose_and_duplicate_nothing(tmp_path):
    path = str(tmp_path / "q.sqlite3")
    queues.SQLiteQueue(path).approximate_count()    # create the schema once
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    expected = SENDERS * PER_SENDER
    procs = [ctx.Process(target=_receive, args=(path, results, expected)) for _ in range(RECEIVERS)]
    procs += [ctx.Process(target=_send, args=(path, s)) for s in range(SENDERS)]
    for p in procs:
        p.start()
    got = [results.get(timeout=60) for _ in range(expected)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert results.empty()
    assert len(got) == len(set(got)) == expected
    assert set(got) == {f"{s}:{i}" for s in range(SENDERS) for i in range(PER_SENDER)}
    q = queues.SQLiteQueue(path)
    assert q.approximate_count() == 0 and q.receive() == []


def test_uses_wal(tmp_path):
    q = queues.SQLiteQueue(str(tmp_path / "q.sqlite3"))
    q.send("x")
    from chalicelib import sqlitedb
    assert sqlitedb.connect(q.path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_dedup_survives_delete_within_window(tmp_path):
    q = queues.SQLiteQueue(str(tmp_path / "q.sqlite3"))
    first = q.send("a", dedup_id="k")
    [m] = q.receive()
    q.delete(m.receipt_handle)
    assert q.send("a", dedup_id="k") == first      # retry after the pull: still one
    assert q.receive() == []


def test_dedup_window_expires(tmp_path):
    q = queues.SQLiteQueue(str(tmp_path / "q.sqlite3"), dedup_window=0)
    q.send("a", dedup_id="k")
    q.send("a", dedup_id="k")
    assert len(q.receive()) == 2


def test_unwritable_location_is_unavailable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    q = queues.SQLiteQueue(str(blocker / "q.sqlite3"))
    with pytest.raises(queues.QueueUnavailable):
        q.send("x")


@pytest.mark.parametrize("spec, expected", [
    ("sqlite:///srv/portal/queue.sqlite3", "/srv/portal/queue.sqlite3"),
    ("sqlite://var/q.sqlite3", os.path.join(queues.REPO_ROOT, "var", "q.sqlite3")),
    ("", queues.DEFAULT_QUEUE_PATH),
])
def test_queue_from_env_sqlite(spec, expected):
    q = queues.queue_from_env({"PORTAL_QUEUE": spec} if spec else {})
    assert isinstance(q, queues.SQLiteQueue) and q.path == expected
    assert q.max_receive_count == queues.DEFAULT_MAX_RECEIVE_COUNT


def test_queue_from_env_options():
    q = queues.queue_from_env({"PORTAL_QUEUE": "sqlite:///tmp/x.sqlite3?max_receive_count=3"})
    assert q.max_receive_count == 3 and q.path == "/tmp/x.sqlite3"
    q = queues.queue_from_env({"PORTAL_QUEUE": "sqs://", "PORTAL_QUEUE_URL": "http://h/1/q.fifo",
                               "PORTAL_DLQ_URL": "http://h/1/d.fifo"})
    assert isinstance(q, queues.SQSQueue) and q.fifo and q.dlq_url == "http://h/1/d.fifo"
    with pytest.raises(queues.QueueUnavailable):
        queues.queue_from_env({"PORTAL_QUEUE": "sqs://"})
    with pytest.raises(queues.QueueUnavailable):
        queues.queue_from_env({"PORTAL_QUEUE": "redis://x"})


def test_sqs_unreachable_is_unavailable():
    q = queues.SQSQueue("http://127.0.0.1:9/123456789012/nowhere.fifo",
                        endpoint_url="http://127.0.0.1:9", region="us-east-1")
    with pytest.raises(queues.QueueUnavailable):
        q.send("x", dedup_id="k")
