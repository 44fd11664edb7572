"""``invoke pull``: the intake queue -> one private case file per submission.

For every message: write the case file (atomically and durably), and only
then delete the message. So a crash at any point loses nothing: a message
not yet deleted is delivered again, and a code whose case file exists is a
duplicate (SQS FIFO deduplicates for five minutes only; a redelivery or a
late retry carries the same code): the existing file is kept and the
message deleted. A message we cannot read goes to
``<inbox>/quarantine/<message id>.json`` with its raw body and the reason,
then is deleted. The dead-letter queue is drained the same way.
"""

import datetime
import json
import re
import time
from pathlib import Path

from . import cases

CHINA = datetime.timezone(datetime.timedelta(hours=8))
DEFAULT_VISIBILITY = 300
_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


class Malformed(ValueError):
    """A message that is not a submission we can file; str() is the reason."""


class Result:
    def __init__(self):
        self.new, self.duplicates, self.quarantined = [], [], []
        self.dead_lettered, self.not_deleted = 0, 0

    @property
    def received(self):
        return len(self.new) + len(self.duplicates) + len(self.quarantined)

    def summary(self):
        lines = [f"新建案卷 {len(self.new)} 件，重复 {len(self.duplicates)} 条（已有案卷，消息已删除），"
                 f"隔离 {len(self.quarantined)} 条（其中死信 {self.dead_lettered} 条）"
                 f" / new cases {len(self.new)}, duplicates {len(self.duplicates)}, "
                 f"quarantined {len(self.quarantined)} (dead letters {self.dead_lettered})"]
        for path, reason in self.quarantined:
            lines.append(f"  隔离 / quarantined: {path}: {reason}")
        if self.not_deleted:
            lines.append(f"  {self.not_deleted} 条消息处理超时未能删除，会再次送达并按重复件处理 / "
                         f"{self.not_deleted} message(s) could not be deleted in time; "
                         "they will come again and count as duplicates")
        return "\n".join(lines)


# -- reading a message --------------------------------------------------------

def _text(payload, key, required=False):
    value = payload.get(key)
    if value is None or value == "":
        if required:
            raise Malformed(f"payload.{key} is missing")
        return None
    if not isinstance(value, str):
        raise Malformed(f"payload.{key} is not text")
    return value


def _flag(payload, key):
    value = payload.get(key, False)
    if not isinstance(value, bool):
        raise Malformed(f"payload.{key} is not true/false")
    return value


def parse_message(body, settings):
    """The message body -> (code, header meta, public text, original text).
    Raises Malformed with the reason."""
    cases._intake()
    from chalicelib import tracking
    from chalicelib.schema import normalize_phone
    try:
        data = json.loads(body)
    except (ValueError, TypeError) as err:
        raise Malformed(f"bad JSON: {err}") from None
    if not isinstance(data, dict):
        raise Malformed("body is not a JSON object")
    if data.get("schema") != 1:
        raise Malformed(f"unknown schema {data.get('schema')!r} (expected 1)")
    code = data.get("code")
    if not isinstance(code, str) or not code:
        raise Malformed("missing code")
    try:
        normal = tracking.normalize(code)
    except tracking.CodeError as err:
        raise Malformed(f"bad code {code[:40]!r} ({err.reason})") from None
    if normal != code:
        raise Malformed(f"code {code!r} is not in canonical form {normal!r}")
    stamp = data.get("received_at")
    try:
        received_at = datetime.datetime.fromisoformat(stamp)
        if received_at.tzinfo is None:
            raise ValueError("no offset")
    except (TypeError, ValueError):
        raise Malformed(f"bad received_at {stamp!r}") from None
    received_at = received_at.astimezone(CHINA)
    payload = data.get("payload")
    if not isinstance(payload, dict):
        raise Malformed("missing payload")
    client = data.get("client") if isinstance(data.get("client"), dict) else {}
    slug = _text(payload, "category", required=True)
    categories = dict(settings["SUGGESTION_CATEGORIES"])
    if slug not in categories:
        raise Malformed(f"unknown category {slug!r}")
    content = _text(payload, "content", required=True)
    if not content.strip():
        raise Malformed("payload.content is empty")
    title = _text(payload, "title")
    name = _text(payload, "name")
    phone = _text(payload, "phone")
    if phone is not None and normalize_phone(phone) is None:
        raise Malformed("payload.phone is not a phone number")
    phone = normalize_phone(phone) if phone else None
    target = _text(payload, "target")
    match = re.fullmatch(r"(deputy|station):([a-z0-9][a-z0-9-]*)", target or "")
    if target is not None and not match:
        raise Malformed(f"bad target {target[:80]!r}")
    channel = client.get("channel") if isinstance(client.get("channel"), str) else "json"
    if not re.fullmatch(r"[a-z0-9-]{1,20}", channel):
        raise Malformed(f"bad client.channel {channel[:40]!r}")
    anonymous, contact = _flag(payload, "anonymous"), _flag(payload, "contact")

    content = content.replace("\r\n", "\n").strip()
    short_title = cases.one_line(title) if title and title.strip() else cases.one_line(content)[:20]
    meta = {
        "code": code,
        "title": short_title[:80],
        "source": "群众意见",
        "category": categories[slug],
        "addressed": match.group(2) if match and match.group(1) == "deputy" else None,
        "station": match.group(2) if match and match.group(1) == "station" else None,
        "received": received_at.date().isoformat(),
        "name": cases.one_line(name) if name and name.strip() else None,
        "phone": phone,
        "contact": "是" if contact else "否",
        "anonymous": "是" if anonymous else "否",
        "target": target,
        "channel": channel,
        "received_at": received_at.isoformat(),
    }
    public = cases.escape_sections(content)
    original = public
    if title and title.strip():
        original = f"标题：{cases.one_line(title)}\n\n{original}"
    location = payload.get("location")
    if isinstance(location, dict) and location:
        where = [str(location[k]) for k in ("address_string", "address_id") if location.get(k)]
        if "lat" in location and "long" in location:
            where.append(f"{location['lat']}, {location['long']}")
        original += "\n\n位置：" + cases.one_line("；".join(where))
    return code, meta, public, original


# -- filing ---------------------------------------------------------------------

def quarantine(inbox, message, reason, queue_name):
    """Keep the raw message with the reason; returns the path."""
    folder = Path(inbox) / cases.QUARANTINE
    name = _SAFE_ID.sub("_", message.id)[:120] or "message"
    path = folder / f"{name}.json"
    record = {
        "message_id": message.id,
        "queue": queue_name,
        "reason": reason,
        "receive_count": message.receive_count,
        "quarantined_at": datetime.datetime.now(CHINA).replace(microsecond=0).isoformat(),
        "body": message.body,
    }
    cases.write_atomic(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return path


def file_message(message, inbox, settings, published=()):
    """Write the case for one message. Returns ("new" | "duplicate", code)
    or raises Malformed. A code already published in content/ (its case
    file moved elsewhere) is a duplicate too."""
    code, meta, public, original = parse_message(message.body, settings)
    meta["message_id"] = message.id
    path = cases.case_path(inbox, code)
    if code in published and not path.exists():
        return "duplicate", code
    case = cases.Case.new(path, meta, public, original)
    if cases.create_exclusive(path, case.text()):
        return "new", code
    return "duplicate", code


def _handle(queue, message, inbox, settings, result, dead=False, published=()):
    if dead:
        reason = "dead-lettered"
        try:
            code = parse_message(message.body, settings)[0]
            exists = cases.case_path(inbox, code).exists()
            reason += f" (readable, code {code}, case file {'exists' if exists else 'missing'})"
        except Malformed as err:
            reason += f" ({err})"
        result.quarantined.append((quarantine(inbox, message, reason, "dead"), reason))
        result.dead_lettered += 1
    else:
        try:
            outcome, code = file_message(message, inbox, settings, published)
            (result.new if outcome == "new" else result.duplicates).append(code)
        except Malformed as err:
            result.quarantined.append((quarantine(inbox, message, str(err), "main"), str(err)))
    # Only now, with the case (or the quarantined body) safely on disk.
    if queue.delete(message.receipt_handle) is False:
        result.not_deleted += 1


def _drain(queue, inbox, settings, result, batch, limit, visibility, out, dead, published):
    batches = 0
    label = "死信队列 / dead letters" if dead else "队列 / queue"
    while limit is None or result.received < limit:
        size = min(batch, 10) if limit is None else max(1, min(batch, 10, limit - result.received))
        messages = queue.receive(max_messages=size, visibility_timeout=visibility, wait_seconds=0)
        if not messages:
            break
        batches += 1
        started = time.monotonic()
        for message in messages:
            _handle(queue, message, inbox, settings, result, dead=dead, published=published)
        out(f"{label} 第 {batches} 批 / batch {batches}: 收到 {len(messages)} 条；累计 新建 {len(result.new)}，"
            f"重复 {len(result.duplicates)}，隔离 {len(result.quarantined)} "
            f"({time.monotonic() - started:.1f} s)")


def pull(settings, inbox=None, queue=None, batch=10, limit=None, visibility_timeout=DEFAULT_VISIBILITY,
         dead_letters=True, out=print):
    """Pull the queue into the inbox; returns a Result."""
    cases._intake()
    from chalicelib.queues import QueueUnavailable, queue_from_env
    inbox = Path(inbox) if inbox else cases.inbox_dir(settings)
    queue = queue if queue is not None else queue_from_env()
    inbox.mkdir(parents=True, exist_ok=True)
    batch = max(1, min(int(batch), 10))
    limit = None if limit is None else int(limit)
    result = Result()
    published = cases.read_ids(settings)["suggestions"]
    _drain(queue, inbox, settings, result, batch, limit, visibility_timeout, out, False, published)
    if dead_letters and (limit is None or result.received < limit):
        try:
            dlq = queue.dead_letter_queue()
        except QueueUnavailable as err:
            out(f"未检查死信队列 / dead-letter queue not checked: {err}")
        else:
            _drain(dlq, inbox, settings, result, batch, limit, visibility_timeout, out, True, published)
    return result
