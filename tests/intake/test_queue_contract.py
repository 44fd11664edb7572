"""One contract, two backends: the embedded SQLite queue and SQS (on moto's
server on 127.0.0.1). SQS takes whole-second visibility timeouts; the
SQLite queue takes fractions, which keeps its half of the suite fast."""

import json
import time

import pytest

from intake_helpers import make_sqs_queues

from chalicelib import queues


@pytest.fixture(params=["sqlite", "sqs"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        q = queues.SQLiteQueue(str(tmp_path / "q.sqlite3"), max_receive_count=2)
        q.tick = 0.2        # visibility timeout used by the tests
    else:
        endpoint = request.getfixturevalue("moto_endpoint")
        url, dlq = make_sqs_queues(endpoint, max_receive_count=2)
        q = queues.SQSQueue(url, dlq_url=dlq, endpoint_url=endpoint, region="us-east-1")
        q.tick = 1
    return q


def expire(backend):
    time.sleep(backend.tick + 0.25)


def test_send_receive_delete(backend):
    body = json.dumps({"code": "K7M-3PQ-XC4", "text": "饮水安全 ✓"}, ensure_ascii=False)
    mid = backend.send(body)
    assert isinstance(mid, str) and mid
    assert backend.approximate_count() == 1
    [msg] = backend.receive(max_messages=10, visibility_timeout=30)
    assert msg.body == body and msg.receive_count == 1 and msg.id == mid
    assert backend.approximate_count() == 0          # in flight, not waiting
    assert backend.receive(visibility_timeout=30) == []
    backend.delete(msg.receipt_handle)
    assert backend.receive() == [] and backend.approximate_count() == 0


def test_receive_batches_at_most_ten(backend):
    for i in range(12):
        backend.send(f"m{i}", dedup_id=f"d{i}")
    first = backend.receive(max_messages=10, visibility_timeout=30)
    rest = backend.receive(max_messages=10, visibility_timeout=30)
    assert 1 <= len(first) <= 10
    got = [m.body for m in first + rest]
    while len(got) < 12:
        more = backend.receive(max_messages=10, visibility_timeout=30)
        assert more, "messages lost"
        got += [m.body for m in more]
    assert sorted(got) == sorted(f"m{i}" for i in range(12))
    with pytest.raises(ValueError):
        backend.receive(max_messages=11)


def test_visibility_timeout_expiry_redelivers_with_new_receipt(backend):
    backend.send("again")
    [first] = backend.receive(visibility_timeout=backend.tick)
    assert backend.receive(visibility_timeout=backend.tick) == []
    expire(backend)
    [second] = backend.receive(visibility_timeout=30)
    assert second.id == first.id and second.body == "again"
    assert second.receive_count == 2
    assert second.receipt_handle != first.receipt_handle


def test_delete_with_stale_receipt(backend):
    backend.send("stale")
    [first] = backend.receive(visibility_timeout=backend.tick)
    expire(backend)
    [second] = backend.receive(visibility_timeout=30)
    result = backend.delete(first.receipt_handle)     # never raises
    if backend.strict_receipts:
        # SQLite: the stale handle deletes nothing; the current one does.
        assert result is False
        assert backend.delete(second.receipt_handle) is True
    else:
        backend.delete(second.receipt_handle)
    time.sleep(0.1)
    assert backend.approximate_count() == 0 and backend.receive() == []


def test_invalid_receipt_raises(backend):
    with pytest.raises(queues.InvalidReceipt):
        backend.delete("not-a-receipt")


def test_dead_letter_after_max_receives(backend):
    backend.send("poison")
    backend.send("fine")
    for expected_count in (1, 2):
        got = backend.receive(visibility_timeout=backend.tick)
        poison = [m for m in got if m.body == "poison"]
        assert poison and poison[0].receive_count == expected_count
        for m in got:
            if m.body == "fine":
                backend.delete(m.receipt_handle)
        expire(backend)
    assert [m.body for m in backend.receive(visibility_timeout=30)] == []
    dead = backend.dead_letter_queue()
    deadline = time.time() + 3
    got = []
    while not got and time.time() < deadline:
        got = dead.receive(visibility_timeout=30)
    assert [m.body for m in got] == ["poison"]
    dead.delete(got[0].receipt_handle)
    assert dead.receive() == []


def test_dedup_id_enqueues_once(backend):
    backend.send("once", dedup_id="same-key")
    backend.send("once", dedup_id="same-key")
    backend.send("other", dedup_id="other-key")
    bodies = sorted(m.body for m in backend.receive(visibility_timeout=30))
    assert bodies == ["once", "other"]


def test_long_poll_returns_empty_after_wait(backend):
    started = time.monotonic()
    assert backend.receive(wait_seconds=1) == []
    assert time.monotonic() - started >= 0.9 or not backend.strict_receipts


def test_long_poll_returns_message_sent_meanwhile(backend):
    import threading
    timer = threading.Timer(0.3, backend.send, args=("late",))
    timer.start()
    try:
        got = backend.receive(wait_seconds=3, visibility_timeout=30)
    finally:
        timer.join()
    if not got:  # moto answers a long poll early; SQLite must not
        assert not backend.strict_receipts
        got = backend.receive(visibility_timeout=30)
    assert [m.body for m in got] == ["late"]
