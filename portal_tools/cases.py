"""Private case files (受理案卷): the format, reading and writing, validation.

A case file ``<inbox>/<code>.md`` is a suggestion file (every field of the
README's suggestion reference, the same syntax and lifecycle rules) plus
private fields that are never published:

    name, phone, contact (是/否), anonymous (是/否),
    target (deputy:<id> | station:<id>), channel, received_at, message_id

Body: the public text of the opinion, then ``## 原文`` (the citizen's own
words, never published), then ``## 答复`` / ``## 二次答复`` once replied.

The inbox is ``--inbox``, else the environment variable ``PORTAL_INBOX``,
else the setting ``PORTAL_INBOX``, else ``<repo>/inbox/`` (git-ignored).
Every write is atomic and durable: temporary file, fsync, rename, fsync of
the directory; a reader sees the old file or the new one, never half.
"""

import datetime
import os
import re
import sys
import tempfile
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PUBLIC_ORDER = (
    "code", "title", "source", "category", "lead", "cosigners", "addressed", "station",
    "reception", "received", "assigned", "lead_unit", "assist_units", "deadline", "progress",
    "answered", "result", "face_to_face", "evaluated", "satisfaction", "second_reply",
    "second_satisfaction", "closed", "supervised", "supervisor", "followups", "merged_into",
    "merged", "rejected", "reject_reason", "withdrawn")
PRIVATE_FIELDS = ("name", "phone", "contact", "anonymous", "target", "channel",
                  "received_at", "message_id")
ORDER = PUBLIC_ORDER + PRIVATE_FIELDS
CHANNELS = ("web-form", "json", "open311", "reception")
SECTION_HEADINGS = {"original": "原文", "reply": "答复", "second_reply": "二次答复"}
SECTION_ORDER = ("original", "reply", "second_reply")
ENDED = ("merged", "rejected", "withdrawn")
PURGED_NOTE = "（原文已按保存期限删除）"
QUARANTINE = "quarantine"

_SECTION_LINE = re.compile(r"^(##[ \t]*(?:答复|二次答复|原文)[ \t]*#*[ \t]*)$", re.M)
_TARGET = re.compile(r"^(deputy|station):([a-z0-9][a-z0-9-]*)$")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def _plugin():
    if str(ROOT / "plugins") not in sys.path:
        sys.path.insert(0, str(ROOT / "plugins"))
    import portal  # noqa: F401


def _intake():
    if str(ROOT / "intake") not in sys.path:
        sys.path.insert(0, str(ROOT / "intake"))


# -- where things are -------------------------------------------------------

def _resolve(path):
    path = Path(path).expanduser()
    return path if path.is_absolute() else ROOT / path


def inbox_dir(settings=None, override=None):
    """The inbox directory (not created)."""
    chosen = override or os.environ.get("PORTAL_INBOX") or (settings or {}).get("PORTAL_INBOX")
    return _resolve(chosen) if chosen else ROOT / "inbox"


def explicit_inbox(settings=None, override=None):
    """The inbox ``invoke check`` should read, or None. The default inbox
    belongs with the default content: checking other content (tests, a
    copy) against the real inbox would only report false problems."""
    if override or os.environ.get("PORTAL_INBOX") or (settings or {}).get("PORTAL_INBOX"):
        return inbox_dir(settings, override)
    content = Path((settings or {}).get("PATH") or ROOT / "content").resolve()
    return ROOT / "inbox" if content == (ROOT / "content").resolve() else None


def case_path(inbox, code):
    return Path(inbox) / f"{code}.md"


def case_files(inbox):
    inbox = Path(inbox)
    if not inbox.is_dir():
        return []
    return sorted(p for p in inbox.glob("*.md") if not p.name.startswith("."))


def retention_days(settings):
    return int((settings or {}).get("PORTAL_RETENTION_DAYS") or 180)


# -- durable writes ---------------------------------------------------------

def _fsync_dir(directory):
    try:
        fd = os.open(str(directory), os.O_RDONLY)
    except OSError:  # e.g. Windows: directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_with(directory, data):
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=str(directory))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_atomic(path, data):
    """Replace ``path`` with ``data`` (bytes or str) atomically and durably."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = _temp_with(path.parent, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def create_exclusive(path, data):
    """Create ``path`` with ``data`` atomically and durably; return False
    (writing nothing) if it already exists. Two pulls at once cannot both
    create the same case: the final step is a hard link, which fails if the
    name exists (a rename would silently replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if path.exists():
        return False
    tmp = _temp_with(path.parent, data)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links on this file system
            if path.exists():
                return False
            os.replace(tmp, path)
            tmp = None
    finally:
        if tmp is not None:
            os.unlink(tmp)
    _fsync_dir(path.parent)
    return True


# -- the file format --------------------------------------------------------

def escape_sections(text):
    """A citizen's line that looks like one of our section headings
    (``## 答复``) must not start a section: escape its ``#``."""
    return _SECTION_LINE.sub(lambda m: "\\" + m.group(1), text)


def one_line(value):
    return " ".join(str(value).split())


class Case:
    """A case file: ordered header (key -> str | list of str) and body text.

    ``sections`` are the raw Markdown texts of the body's parts: ``body``
    (the public opinion), ``original``, ``reply``, ``second_reply``.
    """

    def __init__(self, path, meta, body, header_errors=()):
        self.path = Path(path)
        self.meta = dict(meta)
        self.body = body
        self.header_errors = list(header_errors)

    @classmethod
    def load(cls, path):
        _plugin()
        from portal.source import split_header
        text = Path(path).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        meta, body, errors = split_header(text)
        return cls(path, meta, body, errors)

    @classmethod
    def new(cls, path, meta, public, original):
        case = cls(path, {}, "")
        case.meta = {k: v for k, v in meta.items() if v not in (None, "", [])}
        case.body = f"{public.strip()}\n\n## 原文\n\n{original.strip()}\n"
        return case

    @property
    def sections(self):
        _plugin()
        from portal.source import split_sections
        return split_sections(self.body)

    def get(self, key, default=None):
        value = self.meta.get(key)
        return default if value in (None, "", []) else value

    def set(self, key, value):
        if value in (None, "", [], False):
            self.meta.pop(key, None)
        else:
            self.meta[key] = value

    def set_section(self, name, text):
        """Set (or with ``None`` remove) a section, keeping the others' text."""
        parts = dict(self.sections)
        if text is None:
            parts.pop(name, None)
        else:
            parts[name] = escape_sections(text.strip())
        body = parts.get("body", "").strip("\n")
        out = [body + "\n"]
        for key in SECTION_ORDER:
            if key in parts:
                out.append(f"\n## {SECTION_HEADINGS[key]}\n\n{parts[key].strip(chr(10))}\n")
        self.body = "".join(out)

    def header_text(self):
        keys = [k for k in ORDER if k in self.meta] + [k for k in self.meta if k not in ORDER]
        lines = []
        for key in keys:
            value = self.meta[key]
            if isinstance(value, list):
                lines.append(f"{key}:")
                lines += [f"    {item}" for item in value]
            elif value not in (None, ""):
                lines.append(f"{key}: {value}")
        return "\n".join(lines) + "\n"

    def text(self):
        return self.header_text() + "\n" + self.body.lstrip("\n")

    def save(self):
        write_atomic(self.path, self.text())


def lines_of(value):
    """A header value as a list of lines."""
    if isinstance(value, list):
        return list(value)
    return [value] if value else []


# -- validation -------------------------------------------------------------

def _source(case):
    _plugin()
    from portal.source import SourceFile
    sections = {k: v.strip() for k, v in case.sections.items()}
    return SourceFile(case.path, case.meta, sections, "", case.header_errors)


def allowed_fields():
    _plugin()
    from portal.models import Suggestion
    return (Suggestion.KNOWN - {"submitter"}) | set(PRIVATE_FIELDS)


def validate(case, settings, today, problems):
    """The Suggestion model's rules plus the private fields' syntax. Returns
    the parsed metadata (``m``, as the model sees it) with ``state`` added."""
    _plugin()
    from portal.fields import Fields
    from portal.models import Suggestion
    f = Fields(_source(case), problems)
    f.check_known(allowed_fields() | {"submitter"})
    if "submitter" in case.meta:
        f.problem("submitter", "案卷不填写 submitter：发布时由 name / anonymous 自动生成“某某”或“匿名”",
                  "case files have no submitter; publish derives it from name / anonymous")
    m = Suggestion.parse(f, settings, today)
    Suggestion.check_sections(f, m, _source(case).sections)
    _check_private(f, m)
    m["state"] = state_of(m)
    return m


def state_of(m):
    """The lifecycle state, exactly as the public page computes it."""
    _plugin()
    from portal.models import Suggestion
    return Suggestion._state(types.SimpleNamespace(**m))


def _check_private(f, m):
    _intake()
    from chalicelib.schema import normalize_phone
    m["name"] = f.text("name", required=False, max_len=20)
    phone = f.text("phone", required=False, max_len=30)
    if phone is not None and normalize_phone(phone) != phone:
        f.problem("phone", f"“{phone}”不是规范的电话号码（如 13812345678 或 0873-1234567）",
                  f"{phone!r} is not a normalised phone number (e.g. 13812345678 or 0873-1234567)")
    m["phone"] = phone
    m["contact"] = f.yes("contact")
    m["anonymous"] = f.yes("anonymous")
    if m["contact"] and not phone:
        f.problem("phone", "群众希望联系（contact: 是）时必须有电话号码", "required when contact is 是")
    target = f.text("target", required=False, max_len=80)
    m["target"] = target
    if target is not None:
        match = _TARGET.match(target)
        if not match:
            f.problem("target", f"“{target}”无效，应为 deputy:<代表编号> 或 station:<联络站编号>",
                      f"{target!r} is not valid; expected deputy:<id> or station:<id>")
        elif match.group(1) == "deputy" and match.group(2) not in m["addressed_ids"]:
            f.problem("addressed", f"群众选择的代表是 {match.group(2)}，addressed 应包含它",
                      f"target names deputy {match.group(2)}; addressed should include it")
        elif match.group(1) == "station" and m["station_id"] != match.group(2):
            f.problem("station", f"群众选择的联络站是 {match.group(2)}，station 应为它",
                      f"target names station {match.group(2)}; station should be it")
    m["channel"] = f.choice("channel", list(CHANNELS), required=False)
    received_at = f.text("received_at", required=False, max_len=40)
    if received_at is not None:
        try:
            stamp = datetime.datetime.fromisoformat(received_at)
            if stamp.tzinfo is None:
                raise ValueError
        except ValueError:
            f.problem("received_at", f"“{received_at}”无效，应为带时区的时间（如 2026-05-08T09:12:33+08:00）",
                      f"{received_at!r} is not an ISO date-time with offset (e.g. 2026-05-08T09:12:33+08:00)")
    f.text("message_id", required=False, max_len=200)


def check_public_text(case, m, problems):
    """The public parts (title, body, replies, dated notes, reason) must not
    carry the citizen's phone or full name, or any phone / ID-card number."""
    sections = case.sections
    public = {
        "title": case.get("title", ""),
        "正文": sections.get("body", ""),
        "## 答复": sections.get("reply", ""),
        "## 二次答复": sections.get("second_reply", ""),
        "progress": "\n".join(lines_of(case.get("progress"))),
        "followups": "\n".join(lines_of(case.get("followups"))),
        "reject_reason": case.get("reject_reason", ""),
    }
    phone, name = m.get("phone"), m.get("name")
    digits = re.sub(r"\D", "", phone or "")
    for field, text in public.items():
        if not text:
            continue
        flat = re.sub(r"[\s\-]", "", text)
        if (digits and len(digits) >= 7 and digits in re.sub(r"\D", "", flat)) or _MOBILE.search(flat):
            problems.add(case.path, field, "公开内容中含有电话号码，请删去（原话保留在“## 原文”中，不会公开）",
                         "a phone number in public text; remove it (the 原文 section keeps the original, privately)")
        if _ID_CARD.search(flat):
            problems.add(case.path, field, "公开内容中含有身份证号，请删去",
                         "an ID-card number in public text; remove it")
        if name and len(name) >= 2 and not name.endswith("某") and name in text:
            problems.add(case.path, field, f"公开内容中含有群众姓名“{name}”，请改为“{name[0]}某”或删去",
                         "the citizen's full name in public text; write surname + 某 or remove it")


# -- references to the content ----------------------------------------------

def read_ids(settings):
    """IDs (and names) of the content, read from the headers only: fast,
    for the staff commands. Returns {kind: {id: name}} for units, deputies,
    stations, reception and suggestions (by code)."""
    _plugin()
    from portal.source import split_header
    root = Path(settings["PATH"])
    dirs = settings["PORTAL_DIRS"]
    out = {}
    for kind, key, label in (("units", "id", "name"), ("deputies", "id", "name"),
                             ("stations", "id", "name"), ("reception", "id", "title"),
                             ("suggestions", "code", "title")):
        registry = out[kind] = {}
        folder = root / dirs[kind]
        for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
            try:
                meta, _, _ = split_header(path.read_text("utf-8-sig"))
            except (OSError, UnicodeDecodeError):
                continue
            ident = meta.get(key)
            if isinstance(ident, str) and ident.strip():
                label_value = meta.get(label)
                registry[ident.strip()] = label_value.strip() if isinstance(label_value, str) else ""
    return out


def unknown_ref(registry, ident, label_zh, label_en):
    """(zh, en) for an ID that is not in ``registry``, naming likely ones."""
    _plugin()
    from portal.problems import unknown_ref as plugin_unknown_ref
    return plugin_unknown_ref(registry, ident, label_zh, label_en)


def _check_refs(case, m, catalog, codes, problems):
    def ref(field, registry, ident, zh, en):
        if ident and ident not in registry:
            problems.add(case.path, field, *unknown_ref(registry, ident, zh, en))

    if m.get("lead_id"):
        ref("lead", catalog.deputies, m["lead_id"], "代表", "deputy")
    for ident in m["cosigner_ids"]:
        ref("cosigners", catalog.deputies, ident, "代表", "deputy")
    for ident in m["addressed_ids"]:
        ref("addressed", catalog.deputies, ident, "代表", "deputy")
    ref("station", catalog.stations, m.get("station_id"), "联络站", "station")
    ref("lead_unit", catalog.units, m.get("lead_unit_id"), "承办单位", "handling unit")
    for ident in m["assist_unit_ids"]:
        ref("assist_units", catalog.units, ident, "承办单位", "handling unit")
    if m.get("lead_unit_id") and m.get("lead_unit_id") in m["assist_unit_ids"]:
        problems.add(case.path, "assist_units", "主办单位不应同时列为协办单位",
                     "the lead unit is not also an assisting unit")
    target = _TARGET.match(m.get("target") or "")
    if target and target.group(1) == "station":
        ref("target", catalog.stations, target.group(2), "联络站", "station")
    into = m.get("merged_into_code")
    if into:
        if into == m.get("code"):
            problems.add(case.path, "merged_into", "不能并入自己", "a case cannot be merged into itself")
        elif into not in codes:
            problems.add(case.path, "merged_into", *unknown_ref(codes, into, "受理编号", "case"))
    reception = m.get("reception_ref")
    if reception:
        parts = reception.split()
        schedule = catalog.reception.get(parts[0]) if len(parts) == 2 else None
        if len(parts) != 2:
            problems.add(case.path, "reception", f"“{reception}”格式不对，应为“接待日编号 YYYY-MM-DD”",
                         f"{reception!r} should be '<reception id> YYYY-MM-DD'")
        elif schedule is None:
            problems.add(case.path, "reception", *unknown_ref(catalog.reception, parts[0], "接待日", "reception day"))
        elif not any(parts[1] in (o.date.isoformat(), o.original_date.isoformat()) and not o.cancelled
                     for o in schedule.occasions):
            problems.add(case.path, "reception", f"接待日“{parts[0]}”在 {parts[1]} 没有举行",
                         f"reception day {parts[0]!r} was not held on {parts[1]}")


def check_cases(settings, inbox=None, catalog=None, today=None):
    """Every problem of every case in the inbox (a list of Problem)."""
    _plugin()
    from portal.catalog import Catalog, portal_today
    from portal.problems import Problems
    inbox = Path(inbox) if inbox else inbox_dir(settings)
    files = case_files(inbox)
    problems = Problems()
    if not files:
        return problems
    today = today or portal_today(settings)
    if catalog is None:
        catalog = Catalog(settings, today=today).load()
    loaded = []
    for path in files:
        case = Case.load(path)
        m = validate(case, settings, today, problems)
        code = m.get("code")
        if code and path.name != f"{code}.md":
            problems.add(path, "code", f"文件名应为“{code}.md”（案卷以受理编号命名）",
                         f"the file must be named {code}.md")
        loaded.append((case, m))
    codes = dict.fromkeys(catalog.suggestions, "")
    codes.update((m["code"], "") for _, m in loaded if m.get("code"))
    for case, m in loaded:
        _check_refs(case, m, catalog, codes, problems)
        check_public_text(case, m, problems)
    return problems
