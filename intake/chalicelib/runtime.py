"""Objects built once per process from the settings: the queue and the
abuse-control state. Built lazily so that importing the app stays cheap."""

import threading

from . import config, queues

_lock = threading.Lock()
_objects = {}


def queue():
    """The configured queue; raises queues.QueueUnavailable if misconfigured."""
    with _lock:
        if "queue" not in _objects:
            _objects["queue"] = queues.queue_from_env()
        return _objects["queue"]


def state():
    """Rate-limit state: in the SQLite queue's file when there is one (shared
    by all local processes), else per process."""
    from . import abuse
    with _lock:
        if "state" not in _objects:
            try:
                q = _objects.get("queue") or queues.queue_from_env()
            except queues.QueueUnavailable:
                q = None
            if isinstance(q, queues.SQLiteQueue):
                _objects["state"] = abuse.SQLiteState(q.path)
            else:
                _objects["state"] = abuse.MemoryState()
        return _objects["state"]


def settings():
    return config.settings()


def reset():
    with _lock:
        _objects.clear()
