"""Abuse controls that need no third party.

- honeypot: a field people never see; bots fill it;
- signed form token: HMAC over its issue time, so a submission sent within
  a few seconds of loading the form (a script) or a day later (a replayed
  page) is refused; without JavaScript there is no token, and such posts
  are still accepted but meet the honeypot, the rate limit and the minimum
  length (the site must work without JavaScript);
- per-client rate limit keyed by a keyed hash of the client address, so the
  raw address is never stored;
- optional proof of work, compatible with the ALTCHA widget.

Production adds API Gateway throttling and a WAF rate-based rule in front
(see intake/README.md): a Lambda's memory is per container and no substitute.
"""

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time

from . import sqlitedb

HONEYPOT_FIELD = "website"
TOKEN_FIELD = "form_token"
POW_FIELD = "altcha"


# --- client identity --------------------------------------------------------

def client_address(headers, source_ip, trusted_proxies):
    """The client's address, seen through ``trusted_proxies`` proxies.

    Each proxy appends the address it saw to X-Forwarded-For, so the entry
    added by the outermost proxy we trust is the ``trusted_proxies``-th from
    the right; everything left of it is whatever the client chose to send.
    """
    if trusted_proxies > 0:
        hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
        if hops:
            return hops[-trusted_proxies] if len(hops) >= trusted_proxies else hops[0]
    return source_ip or "unknown"


def client_hash(secret, address):
    """Keyed hash of an address: stable for rate limiting, useless to anyone
    without the secret (the IPv4 space is small enough to brute-force a plain
    hash)."""
    return hmac.new(secret, b"client:" + address.encode(), hashlib.sha256).hexdigest()[:20]


def user_agent_class(ua):
    """A coarse class of the user agent; the string itself is not kept."""
    ua = (ua or "").lower()
    if not ua:
        return "none"
    if "micromessenger" in ua:
        return "wechat"
    if any(w in ua for w in ("bot", "spider", "crawl")):
        return "bot"
    if any(w in ua for w in ("curl", "python", "wget", "httpie", "go-http", "java/", "okhttp")):
        return "script"
    if any(w in ua for w in ("mobile", "android", "iphone", "ipad")):
        return "mobile"
    return "desktop"


# --- form token -------------------------------------------------------------

def _sign(secret, purpose, message):
    mac = hmac.new(secret, f"{purpose}:{message}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def issue_token(secret, now=None):
    issued = int(time.time() if now is None else now)
    message = f"{issued}.{secrets.token_urlsafe(6)}"
    return f"{message}.{_sign(secret, 'form-token', message)}"


def check_token(secret, token, min_age, max_age, now=None):
    """None if the token is good, else a Chinese message for the citizen."""
    now = time.time() if now is None else now
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 100:
        return "表单校验失败，请刷新页面后重新提交。"
    message, _, sig = token.rpartition(".")
    if not hmac.compare_digest(sig.encode(), _sign(secret, "form-token", message).encode()):
        return "表单校验失败，请刷新页面后重新提交。"
    try:
        age = now - int(message.split(".")[0])
    except ValueError:
        return "表单校验失败，请刷新页面后重新提交。"
    if age < min_age:
        return "提交过快，请稍等几秒再提交。"
    if age > max_age:
        return "页面已打开太久，请刷新页面后重新提交（已填写的内容请先复制保存）。"
    return None


# --- proof of work (ALTCHA-compatible) ---------------------------------------

def create_challenge(secret, max_number, expires_in=600, now=None):
    """An ALTCHA challenge: find n <= maxnumber with sha256(salt + n) == challenge."""
    expires = int((time.time() if now is None else now) + expires_in)
    salt = f"{secrets.token_hex(12)}?expires={expires}"
    number = secrets.randbelow(max_number + 1)
    challenge = hashlib.sha256(f"{salt}{number}".encode()).hexdigest()
    signature = hmac.new(secret, challenge.encode(), hashlib.sha256).hexdigest()
    return {"algorithm": "SHA-256", "challenge": challenge, "maxnumber": max_number,
            "salt": salt, "signature": signature}


def solve_challenge(challenge):
    """Brute-force a challenge the way the ALTCHA widget does (tests, tools)."""
    for n in range(challenge["maxnumber"] + 1):
        if hashlib.sha256(f"{challenge['salt']}{n}".encode()).hexdigest() == challenge["challenge"]:
            payload = dict(challenge, number=n)
            payload.pop("maxnumber")
            return base64.b64encode(json.dumps(payload).encode()).decode()
    return None


def verify_solution(secret, payload, now=None):
    """Return the challenge string of a valid solution (for replay checks), else None."""
    now = time.time() if now is None else now
    try:
        data = json.loads(base64.b64decode(str(payload), validate=True))
        salt, challenge = str(data["salt"]), str(data["challenge"])
        number, signature = int(data["number"]), str(data["signature"])
        if data.get("algorithm") != "SHA-256":
            return None
    except (ValueError, TypeError, KeyError):
        return None
    params = dict(p.split("=", 1) for p in salt.partition("?")[2].split("&") if "=" in p)
    try:
        if int(params.get("expires", "0")) < now:
            return None
    except ValueError:
        return None
    expected = hmac.new(secret, challenge.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return None
    if hashlib.sha256(f"{salt}{number}".encode()).hexdigest() != challenge:
        return None
    return challenge


# --- state: rate-limit hits and used PoW solutions -----------------------------

class SQLiteState:
    """Shared by every process using the same file (the embedded queue's).

    Its commits are not fsynced one by one (``sqlitedb.connect(durable=False)``):
    a crash of the process loses nothing, a power cut may forget the last
    few hits. The bookkeeping fails open anyway (handlers._safe_state).
    """

    _SCHEMA = """
    CREATE TABLE IF NOT EXISTS rate_hits (key TEXT NOT NULL, at REAL NOT NULL);
    CREATE INDEX IF NOT EXISTS rate_hits_key ON rate_hits (key, at);
    CREATE TABLE IF NOT EXISTS seen_once (key TEXT PRIMARY KEY, expires REAL NOT NULL);
    """

    def __init__(self, path):
        self.path = path
        self._ready = False

    def _conn(self):
        conn = sqlitedb.connect(self.path, durable=False)
        if not self._ready:
            with sqlitedb.write_lock(self.path):
                conn.executescript(self._SCHEMA)
            self._ready = True
        return conn

    def _wait(self, conn, key, limit, window, now):
        # The limit-th most recent hit inside the window, if there is one:
        # found in the index, without fetching the others.
        row = conn.execute(
            "SELECT at FROM rate_hits WHERE key = ? AND at > ? ORDER BY at DESC"
            " LIMIT 1 OFFSET ?", (key, now - window, max(0, limit - 1))).fetchone()
        if row is None:
            return 0
        return max(1, int(row[0] + window - now) + 1)

    def retry_after(self, key, limit, window, now=None):
        """Seconds until ``key`` may act again (0: now)."""
        now = time.time() if now is None else now
        return self._wait(self._conn(), key, limit, window, now)

    def acquire(self, key, limit, window, now=None):
        """Check the limit and, if ``key`` may act, count this act -- in one
        transaction, so concurrent requests of one client cannot all pass a
        check before any of them is counted. Returns ``(wait, ticket)``:
        ``wait`` > 0 means refused (nothing counted); else ``ticket`` undoes
        the count with ``release`` (an outcome that must not count)."""
        now = time.time() if now is None else now
        conn = self._conn()
        with sqlitedb.transaction(conn, self.path):
            wait = self._wait(conn, key, limit, window, now)
            if wait:
                return wait, None
            conn.execute("DELETE FROM rate_hits WHERE key = ? AND at <= ?", (key, now - window))
            cur = conn.execute("INSERT INTO rate_hits (key, at) VALUES (?, ?)", (key, now))
        return 0, cur.lastrowid

    def release(self, ticket):
        conn = self._conn()
        with sqlitedb.transaction(conn, self.path):
            conn.execute("DELETE FROM rate_hits WHERE rowid = ?", (ticket,))

    def hit(self, key, window, now=None):
        now = time.time() if now is None else now
        conn = self._conn()
        with sqlitedb.transaction(conn, self.path):
            conn.execute("DELETE FROM rate_hits WHERE key = ? AND at <= ?", (key, now - window))
            conn.execute("INSERT INTO rate_hits (key, at) VALUES (?, ?)", (key, now))

    def once(self, key, ttl, now=None):
        """True the first time ``key`` is seen within ``ttl`` seconds."""
        now = time.time() if now is None else now
        conn = self._conn()
        with sqlitedb.transaction(conn, self.path):
            conn.execute("DELETE FROM seen_once WHERE expires < ?", (now,))
            cur = conn.execute("INSERT OR IGNORE INTO seen_once (key, expires) VALUES (?, ?)",
                               (key, now + ttl))
        return cur.rowcount == 1


class MemoryState:
    """Per-process state for the SQS setup (each Lambda container has its
    own); the real guard there is API Gateway throttling and WAF."""

    def __init__(self):
        self._hits = {}
        self._seen = {}
        self._lock = threading.Lock()

    def retry_after(self, key, limit, window, now=None):
        now = time.time() if now is None else now
        with self._lock:
            recent = [t for t in self._hits.get(key, []) if t > now - window]
        if len(recent) < limit:
            return 0
        return max(1, int(sorted(recent)[-limit] + window - now) + 1)

    def hit(self, key, window, now=None):
        now = time.time() if now is None else now
        with self._lock:
            self._hit(key, window, now)

    def _hit(self, key, window, now):
        if len(self._hits) > 50000:  # bound memory under a flood
            self._hits.clear()
        recent = [t for t in self._hits.get(key, []) if t > now - window]
        recent.append(now)
        self._hits[key] = recent

    def acquire(self, key, limit, window, now=None):
        """As SQLiteState.acquire: check and count under one lock."""
        now = time.time() if now is None else now
        with self._lock:
            recent = [t for t in self._hits.get(key, []) if t > now - window]
            if len(recent) >= limit:
                return max(1, int(sorted(recent)[-limit] + window - now) + 1), None
            self._hit(key, window, now)
        return 0, (key, now)

    def release(self, ticket):
        key, at = ticket
        with self._lock:
            hits = self._hits.get(key)
            if hits and at in hits:
                hits.remove(at)

    def once(self, key, ttl, now=None):
        now = time.time() if now is None else now
        with self._lock:
            self._seen = {k: v for k, v in self._seen.items() if v >= now}
            if key in self._seen:
                return False
            self._seen[key] = now + ttl
            return True
