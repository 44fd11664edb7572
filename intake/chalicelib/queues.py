"""Queue backends with SQS semantics.

Both backends offer the same small interface, so the intake function and the
staff tools do not care where the queue lives:

    send(body, dedup_id=None) -> message_id
    receive(max_messages=10, visibility_timeout=30, wait_seconds=0) -> [Message]
    delete(receipt_handle)
    approximate_count() -> int           # messages waiting (visible)
    dead_letter_queue() -> queue          # where poison messages end up

Semantics (as in SQS):
- a received message is hidden for ``visibility_timeout`` seconds; if it is
  not deleted by then it is delivered again with a new receipt handle and a
  higher ``receive_count``;
- a message received ``max_receive_count`` times is moved to the dead-letter
  queue on its next delivery instead of being returned;
- ``send`` with a ``dedup_id`` already seen within the dedup window enqueues
  nothing (SQS FIFO: five minutes; SQLite: configurable, default 24 h);
- delete with a stale receipt handle (the message was delivered again since)
  never raises. SQLite leaves the message in place; SQS documents that it
  "might not" delete. Consumers must therefore be idempotent: the tracking
  code inside the body identifies a submission.

Backends are chosen by configuration alone, see ``queue_from_env``.
"""

import os
import secrets
import time
import typing
import urllib.parse

from . import sqlitedb

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEFAULT_QUEUE_PATH = os.path.join(REPO_ROOT, "var", "queue.sqlite3")
DEFAULT_MAX_RECEIVE_COUNT = 5


class QueueUnavailable(Exception):
    """The queue cannot be reached now; the caller should retry later."""


class InvalidReceipt(ValueError):
    """A receipt handle that this queue never issued."""


class Message(typing.NamedTuple):   # immutable; cheaper to import than a dataclass
    id: str
    body: str
    receipt_handle: str
    receive_count: int


# --------------------------------------------------------------------------
# Embedded SQLite queue
# --------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    queue         TEXT NOT NULL,
    body          TEXT NOT NULL,
    sent_at       REAL NOT NULL,
    visible_at    REAL NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    receipt       TEXT
);
CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, visible_at, seq);
CREATE TABLE IF NOT EXISTS dedup (
    queue      TEXT NOT NULL,
    dedup_id   TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sent_at    REAL NOT NULL,
    PRIMARY KEY (queue, dedup_id)
);
CREATE INDEX IF NOT EXISTS dedup_age ON dedup (sent_at);
"""

_initialised = set()


class SQLiteQueue:
    """A queue in one SQLite file (WAL), safe for many processes at once.

    Every state change is one ``BEGIN IMMEDIATE`` transaction, so concurrent
    receivers never get the same message and a send is all-or-nothing
    (message and dedup record commit together).
    """

    strict_receipts = True  # a stale receipt handle never deletes

    def __init__(self, path, name="main", max_receive_count=DEFAULT_MAX_RECEIVE_COUNT,
                 dead_letter_name="dead", dedup_window=86400, poll_interval=0.05):
        self.path = os.path.abspath(path)
        self.name = name
        self.max_receive_count = max_receive_count
        self.dead_letter_name = dead_letter_name
        self.dedup_window = dedup_window
        self.poll_interval = poll_interval

    def __repr__(self):
        return f"SQLiteQueue({self.path!r}, name={self.name!r})"

    def _conn(self):
        try:
            conn = sqlitedb.connect(self.path)
            key = (os.getpid(), self.path)
            if key not in _initialised:
                with sqlitedb.write_lock(self.path):
                    conn.executescript(_SCHEMA)
                _initialised.add(key)
            return conn
        except Exception as exc:  # unwritable directory, disk full, ...
            raise QueueUnavailable(f"SQLite queue at {self.path}: {exc}") from exc

    def send(self, body, dedup_id=None):
        """Store one message; returns its id once it is durable (fsynced).

        Concurrent sends from threads of this process share one transaction
        and one fsync (``sqlitedb.group_commit``); each still returns only
        after the commit that holds its message.
        """
        if not isinstance(body, str):
            raise TypeError("body must be str")
        self._conn()   # the schema, and QueueUnavailable for a bad location
        try:
            return sqlitedb.group_commit(self.path, lambda conn: self._insert(conn, body, dedup_id))
        except QueueUnavailable:
            raise
        except Exception as exc:
            raise QueueUnavailable(f"SQLite queue at {self.path}: {exc}") from exc

    def _insert(self, conn, body, dedup_id):
        now = time.time()
        message_id = secrets.token_hex(16)
        if dedup_id is not None:
            conn.execute("DELETE FROM dedup WHERE sent_at < ?", (now - self.dedup_window,))
            row = conn.execute(
                "SELECT message_id FROM dedup WHERE queue = ? AND dedup_id = ?",
                (self.name, dedup_id)).fetchone()
            if row:
                return row[0]
            conn.execute(
                "INSERT INTO dedup (queue, dedup_id, message_id, sent_at)"
                " VALUES (?, ?, ?, ?)", (self.name, dedup_id, message_id, now))
        conn.execute(
            "INSERT INTO messages (id, queue, body, sent_at, visible_at)"
            " VALUES (?, ?, ?, ?, ?)", (message_id, self.name, body, now, now))
        return message_id

    def receive(self, max_messages=10, visibility_timeout=30, wait_seconds=0):
        if not 1 <= max_messages <= 10:
            raise ValueError("max_messages must be 1..10 (as in SQS)")
        deadline = time.monotonic() + wait_seconds
        while True:
            messages = self._receive_once(max_messages, visibility_timeout)
            if messages or time.monotonic() >= deadline:
                return messages
            time.sleep(min(self.poll_interval, max(0.0, deadline - time.monotonic())))

    def _receive_once(self, max_messages, visibility_timeout):
        conn = self._conn()
        now = time.time()
        out = []
        after = 0
        with sqlitedb.transaction(conn, self.path):
            while len(out) < max_messages:
                rows = conn.execute(
                    "SELECT seq, id, body, receive_count FROM messages"
                    " WHERE queue = ? AND visible_at <= ? AND seq > ?"
                    " ORDER BY seq LIMIT ?",
                    (self.name, now, after, max_messages - len(out))).fetchall()
                if not rows:
                    break
                for seq, mid, body, count in rows:
                    after = seq
                    if (self.max_receive_count is not None
                            and count >= self.max_receive_count):
                        # Poison message: move it instead of delivering it.
                        conn.execute(
                            "UPDATE messages SET queue = ?, visible_at = ?, receipt = NULL"
                            " WHERE seq = ?", (self.dead_letter_name, now, seq))
                        continue
                    receipt = f"{mid}.{secrets.token_hex(8)}"
                    conn.execute(
                        "UPDATE messages SET receive_count = receive_count + 1,"
                        " receipt = ?, visible_at = ? WHERE seq = ?",
                        (receipt, now + visibility_timeout, seq))
                    out.append(Message(mid, body, receipt, count + 1))
        return out

    def delete(self, receipt_handle):
        """Delete the message; returns False if the receipt is stale."""
        mid, sep, _ = str(receipt_handle).partition(".")
        if not sep or len(mid) != 32:
            raise InvalidReceipt("not a receipt handle of this queue")
        conn = self._conn()
        with sqlitedb.transaction(conn, self.path):
            cur = conn.execute(
                "DELETE FROM messages WHERE id = ? AND queue = ? AND receipt = ?",
                (mid, self.name, receipt_handle))
        return cur.rowcount == 1

    def approximate_count(self):
        conn = self._conn()
        (n,) = conn.execute(
            "SELECT COUNT(*) FROM messages WHERE queue = ? AND visible_at <= ?",
            (self.name, time.time())).fetchone()
        return n

    def dead_letter_queue(self):
        return SQLiteQueue(self.path, name=self.dead_letter_name,
                           max_receive_count=None, dead_letter_name=None,
                           dedup_window=self.dedup_window,
                           poll_interval=self.poll_interval)


# --------------------------------------------------------------------------
# Amazon SQS
# --------------------------------------------------------------------------

class SQSQueue:
    """SQS via boto3. Dead-lettering is the queue's RedrivePolicy (set up
    with the queue, see intake/README.md); ``max_receive_count`` reads it.

    FIFO queues (URL ending in ``.fifo``) get exactly-once enqueueing through
    MessageDeduplicationId; each message is its own MessageGroupId so one
    slow message never blocks the others.
    """

    strict_receipts = False

    def __init__(self, url, dlq_url=None, endpoint_url=None, region=None, client=None):
        self.url = url
        self.dlq_url = dlq_url
        self.fifo = url.endswith(".fifo")
        self._endpoint_url = endpoint_url
        self._region = region
        self._client = client

    def __repr__(self):
        return f"SQSQueue({self.url!r})"

    @property
    def client(self):
        if self._client is None:
            import boto3  # only here: keeps the SQLite path free of boto3
            from botocore.config import Config
            self._client = boto3.client(
                "sqs", endpoint_url=self._endpoint_url, region_name=self._region,
                config=Config(connect_timeout=3, read_timeout=25,
                              retries={"max_attempts": 2, "mode": "standard"}))
        return self._client

    def _call(self, method, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            return getattr(self.client, method)(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if "ReceiptHandle" in code:
                raise InvalidReceipt(code) from exc
            raise QueueUnavailable(f"SQS {method}: {code}") from exc
        except BotoCoreError as exc:
            raise QueueUnavailable(f"SQS {method}: {type(exc).__name__}") from exc

    def send(self, body, dedup_id=None):
        kwargs = {"QueueUrl": self.url, "MessageBody": body}
        if self.fifo:
            import hashlib
            dedup = dedup_id or hashlib.sha256(body.encode()).hexdigest()
            kwargs["MessageDeduplicationId"] = dedup[:128]
            kwargs["MessageGroupId"] = dedup[:128]
        return self._call("send_message", **kwargs)["MessageId"]

    def receive(self, max_messages=10, visibility_timeout=30, wait_seconds=0):
        if not 1 <= max_messages <= 10:
            raise ValueError("max_messages must be 1..10 (as in SQS)")
        resp = self._call(
            "receive_message", QueueUrl=self.url, MaxNumberOfMessages=max_messages,
            VisibilityTimeout=int(visibility_timeout), WaitTimeSeconds=int(wait_seconds),
            AttributeNames=["ApproximateReceiveCount"])
        return [Message(m["MessageId"], m["Body"], m["ReceiptHandle"],
                        int(m.get("Attributes", {}).get("ApproximateReceiveCount", 1)))
                for m in resp.get("Messages", [])]

    def delete(self, receipt_handle):
        self._call("delete_message", QueueUrl=self.url, ReceiptHandle=receipt_handle)
        return True

    def approximate_count(self):
        attrs = self._call("get_queue_attributes", QueueUrl=self.url,
                           AttributeNames=["ApproximateNumberOfMessages"])
        return int(attrs["Attributes"]["ApproximateNumberOfMessages"])

    @property
    def max_receive_count(self):
        import json
        attrs = self._call("get_queue_attributes", QueueUrl=self.url,
                           AttributeNames=["RedrivePolicy"])["Attributes"]
        policy = attrs.get("RedrivePolicy")
        return int(json.loads(policy)["maxReceiveCount"]) if policy else None

    def dead_letter_queue(self):
        if not self.dlq_url:
            raise QueueUnavailable("PORTAL_DLQ_URL is not set")
        return SQSQueue(self.dlq_url, endpoint_url=self._endpoint_url,
                        region=self._region, client=self._client)


# --------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------

def sqlite_path_from_url(url):
    """``sqlite:///abs/path.sqlite3`` -> /abs/path.sqlite3; a relative path
    (``sqlite://var/q.sqlite3``) is taken relative to the repository root,
    never the current directory, so every tool finds the same file."""
    rest = url[len("sqlite://"):].split("?", 1)[0]
    rest = urllib.parse.unquote(rest)
    if not rest:
        return DEFAULT_QUEUE_PATH
    return rest if os.path.isabs(rest) else os.path.join(REPO_ROOT, rest)


def queue_from_env(env=None):
    """Build the queue named by the environment.

    PORTAL_QUEUE            sqlite:///path/to/queue.sqlite3 (default
                            sqlite://var/queue.sqlite3 under the repo) or sqs://
    PORTAL_MAX_RECEIVE_COUNT  SQLite: deliveries before dead-lettering (5)
    PORTAL_QUEUE_URL, PORTAL_DLQ_URL  SQS queue URLs (sqs:// only)
    PORTAL_SQS_ENDPOINT     SQS endpoint override (moto, VPC endpoint)
    AWS_REGION / AWS_DEFAULT_REGION   region for SQS
    """
    env = os.environ if env is None else env
    spec = env.get("PORTAL_QUEUE", "").strip() or "sqlite://" + DEFAULT_QUEUE_PATH
    if spec.startswith("sqlite://"):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(spec).query)
        max_rc = env.get("PORTAL_MAX_RECEIVE_COUNT") or query.get(
            "max_receive_count", [DEFAULT_MAX_RECEIVE_COUNT])[0]
        return SQLiteQueue(sqlite_path_from_url(spec), max_receive_count=int(max_rc))
    if spec.startswith("sqs://"):
        url = env.get("PORTAL_QUEUE_URL", "").strip()
        if not url:
            raise QueueUnavailable("PORTAL_QUEUE=sqs:// needs PORTAL_QUEUE_URL")
        return SQSQueue(
            url, dlq_url=env.get("PORTAL_DLQ_URL") or None,
            endpoint_url=env.get("PORTAL_SQS_ENDPOINT") or None,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None)
    raise QueueUnavailable(f"PORTAL_QUEUE: unknown scheme in {spec!r} (sqlite:// or sqs://)")
