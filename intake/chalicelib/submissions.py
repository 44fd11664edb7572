"""From validated fields to one queue message with a tracking code.

Exactly-once without a separate table: the tracking code is derived (HMAC)
from a deduplication id, and the same id goes to the queue as its
deduplication id. A retried or double-clicked submission therefore gets the
same code, and the queue keeps one message:

- SQLite: message and dedup record commit in one transaction (window 24 h);
- SQS FIFO: MessageDeduplicationId (window 5 minutes, fixed by AWS). A retry
  later than that yields a second message with the *same* code, which the
  staff pull recognises as a case it already has.

The dedup id covers the idempotency key *and* the content: a citizen who
goes back, edits and sends again has made a new submission. Without a key
(no JavaScript) the client hash and the day stand in for it, so a double
click on an identical text still counts once.
"""

import datetime
import hashlib
import hmac
import json
import logging

from . import tracking

log = logging.getLogger("intake")
CHINA = datetime.timezone(datetime.timedelta(hours=8), "CST")


def now_china():
    return datetime.datetime.now(CHINA).replace(microsecond=0)


def dedup_id(secret, payload, idempotency_key=None, client_hash="", day=None):
    scope = (f"key:{idempotency_key}" if idempotency_key
             else f"client:{client_hash}:{day or now_china().date().isoformat()}")
    canon = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(secret, f"dedup|{scope}|{canon}".encode(), hashlib.sha256).hexdigest()


def derive_code(secret, dedup):
    """A tracking code (40 random-looking bits + check symbol) from a dedup id."""
    digest = hmac.new(secret, f"code|{dedup}".encode(), hashlib.sha256).digest()
    n = int.from_bytes(digest[:5], "big")
    body = "".join(tracking.ALPHABET[(n >> (5 * i)) & 31]
                   for i in reversed(range(tracking.RANDOM_LENGTH)))
    return tracking.format_code(body + tracking.check_symbol(body))


def build_message(code, payload, channel, user_agent, client_hash, received_at=None,
                  extra_client=None):
    client = {"channel": channel, "user_agent": user_agent, "client_hash": client_hash}
    client.update(extra_client or {})
    return {
        "schema": 1,
        "code": code,
        "received_at": (received_at or now_china()).isoformat(),
        "payload": payload,
        "client": client,
    }


def enqueue(queue, secret, payload, channel, user_agent, client_hash,
            idempotency_key=None, extra_client=None):
    """Send one submission; returns its tracking code.

    Raises queues.QueueUnavailable when nothing was sent (safe to retry).
    """
    dedup = dedup_id(secret, payload, idempotency_key, client_hash)
    code = derive_code(secret, dedup)
    message = build_message(code, payload, channel, user_agent, client_hash,
                            extra_client=extra_client)
    queue.send(json.dumps(message, ensure_ascii=False, sort_keys=True), dedup_id=dedup)
    # Only the code and coarse facts: never names, phone numbers or text.
    log.info("accepted %s channel=%s ua=%s", code, channel, user_agent)
    return code
