"""Settings of the intake function, read from environment variables.

The Chalice stages (.chalice/config.json) set them in the cloud; locally they
default to a working development setup. ``settings()`` is read once per
process (a Lambda cold start); tests call ``reset()`` after changing the
environment.
"""

import functools
import hashlib
import os
import secrets
import typing

from .queues import REPO_ROOT

DEFAULT_SITE_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 "site_data.json")
DEV_SECRET_FILE = os.path.join(REPO_ROOT, "var", "intake-secret")


class Settings(typing.NamedTuple):   # immutable; cheaper to import than a dataclass
    stage: str
    secret: bytes | None          # None: submissions answer 503
    site_data_path: str
    site_url: str                 # "" = same origin (relative redirects)
    privacy_url: str
    cors_origins: frozenset
    trusted_proxies: int          # X-Forwarded-For entries we trust, from the right
    rate_limit: int               # per client and window; 0 = off
    rate_window: int              # seconds
    open311_rate_limit: int       # per API key and window
    open311_key_hashes: frozenset  # sha256 hex digests of the API keys
    token_min_age: int            # seconds between loading the form and submitting
    token_max_age: int
    require_token_json: bool
    pow_enabled: bool
    pow_max_number: int
    contact: str                  # Open311 discovery contact


def _int(env, name, default):
    raw = env.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def _bool(env, name, default):
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in ("1", "true", "yes", "on")


def _dev_secret():
    """A per-checkout random secret so `chalice local` works out of the box
    and tokens survive a restart. Never used in the prod stage."""
    try:
        with open(DEV_SECRET_FILE, "rb") as fh:
            value = fh.read().strip()
            if value:
                return value
    except FileNotFoundError:
        pass
    try:
        os.makedirs(os.path.dirname(DEV_SECRET_FILE), exist_ok=True)
        value = secrets.token_hex(32).encode()
        fd = os.open(DEV_SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(value)
        return value
    except FileExistsError:
        with open(DEV_SECRET_FILE, "rb") as fh:
            return fh.read().strip() or None
    except OSError:
        return None


def from_env(env=None):
    env = os.environ if env is None else env
    stage = env.get("PORTAL_STAGE", "dev").strip() or "dev"
    secret = env.get("PORTAL_SECRET", "").strip().encode() or None
    if secret is None and stage != "prod":
        secret = _dev_secret()
    keys = set()
    for item in env.get("PORTAL_OPEN311_KEYS", "").replace(";", ",").split(","):
        item = item.strip().lower()
        if item.startswith("sha256:"):
            item = item[len("sha256:"):]
        if item:
            keys.add(item)
    return Settings(
        stage=stage,
        secret=secret,
        site_data_path=env.get("PORTAL_SITE_DATA", "").strip() or DEFAULT_SITE_DATA,
        site_url=env.get("PORTAL_SITE_URL", "").strip().rstrip("/"),
        privacy_url=env.get("PORTAL_PRIVACY_URL", "").strip() or "/privacy/",
        cors_origins=frozenset(o.strip().rstrip("/") for o in
                               env.get("PORTAL_CORS_ORIGINS", "").split(",") if o.strip()),
        trusted_proxies=_int(env, "PORTAL_TRUSTED_PROXIES", 0),
        rate_limit=_int(env, "PORTAL_RATE_LIMIT", 10),
        rate_window=_int(env, "PORTAL_RATE_WINDOW", 3600),
        open311_rate_limit=_int(env, "PORTAL_OPEN311_RATE_LIMIT", 600),
        open311_key_hashes=frozenset(keys),
        token_min_age=_int(env, "PORTAL_TOKEN_MIN_AGE", 3),
        token_max_age=_int(env, "PORTAL_TOKEN_MAX_AGE", 86400),
        require_token_json=_bool(env, "PORTAL_REQUIRE_TOKEN_JSON", True),
        pow_enabled=_bool(env, "PORTAL_POW", False),
        pow_max_number=_int(env, "PORTAL_POW_MAX_NUMBER", 100000),
        contact=env.get("PORTAL_CONTACT", "").strip() or "人大代表联络办公室",
    )


def hash_api_key(key):
    """What goes into PORTAL_OPEN311_KEYS for an API key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def settings():
    return from_env()


def reset():
    """Forget cached settings and the objects built from them (tests)."""
    settings.cache_clear()
    from . import runtime
    runtime.reset()
