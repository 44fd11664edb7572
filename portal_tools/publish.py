"""`invoke publish [CODE ...]`: copy the public part of private cases into
``content/suggestions/<code>.md``, rebuild the site, deploy.

Without codes every *ready* case is published: answered (or evaluated,
re-answered, closed), merged, not accepted or withdrawn. A case that is
published again after an edit has its public file rewritten.

What is copied: only the public fields of the README's suggestion reference,
with ``submitter`` made from the private ``name`` (surname + 某, compound
surnames kept whole: 欧阳某) or 匿名 when the citizen chose anonymity or gave
no name; the public body, ``## 答复`` and ``## 二次答复``. Never copied: name,
phone, contact, anonymous, target, channel, received_at, message_id and the
``## 原文`` section.

Before anything is written, every public text (the title and the other
header values, the body, both replies) is scanned with the PII detector
(``plugins/portal/pii.py``) for phone numbers, ID-card numbers and e-mail
addresses in any disguise, for the citizen's phone number in any form, and
for the citizen's full name and given name (two characters or more). One
finding in one case refuses the whole run -- nothing is written -- and each
finding is reported with the case file, its line, the field or section and
the text around the match. Public contacts (stations' phones,
``PORTAL_PII_ALLOW``) are not findings.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PUBLIC_ORDER = (
    "code", "title", "source", "category", "submitter", "lead", "cosigners", "addressed", "station",
    "reception", "received", "assigned", "lead_unit", "assist_units", "deadline", "progress",
    "answered", "result", "face_to_face", "evaluated", "satisfaction", "second_reply",
    "second_satisfaction", "closed", "supervised", "supervisor", "followups", "merged_into",
    "merged", "rejected", "reject_reason", "withdrawn")
READY_FIELDS = ("answered", "evaluated", "second_reply", "closed", "merged", "rejected", "withdrawn")
SECTION_TITLES = {"body": "正文", "reply": "## 答复", "second_reply": "## 二次答复"}


def _plugin():
    if str(ROOT / "plugins") not in sys.path:
        sys.path.insert(0, str(ROOT / "plugins"))
    import portal  # noqa: F401


class Refused(Exception):
    """Nothing was published; ``problems`` say why (file: field: message)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Result:
    def __init__(self):
        self.written = []     # content files written or rewritten
        self.unchanged = []   # already up to date
        self.built = False
        self.deployed = None  # the deploy result, when a target is configured
        self.search_error = None  # the search index failed (the site is built; the old index is kept)

    def summary(self):
        lines = [f"已发布 {len(self.written)} 件，{len(self.unchanged)} 件无变化 / "
                 f"published {len(self.written)}, unchanged {len(self.unchanged)}"]
        lines += [f"  {p}" for p in self.written]
        if self.built:
            lines.append("网站已重新生成 / site rebuilt")
        if self.search_error:
            lines.append(self.search_error)
        if self.deployed is not None:
            lines.append("已部署 / deployed")
        return "\n".join(lines)


def public_submitter(case):
    """张某 / 欧阳某 / 匿名 for a citizen's opinion; None for a deputy suggestion."""
    _plugin()
    from portal import pii
    if case.text("source") == "代表建议":
        return None
    name = case.name
    if case.anonymous or not name or name == "匿名":
        return "匿名"
    return pii.surname_of(name) + "某"


def is_ready(case):
    return any(case.text(key) for key in READY_FIELDS)


def public_text(case):
    """The public content file of a case, as text."""
    meta = case.public_meta()
    meta.pop("submitter", None)
    submitter = public_submitter(case)
    if submitter:
        meta["submitter"] = submitter
    keys = [k for k in PUBLIC_ORDER if k in meta] + [k for k in meta if k not in PUBLIC_ORDER]
    lines = []
    for key in keys:
        value = meta[key]
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"    {item}" for item in value]
        elif value:
            lines.append(f"{key}: {value}")
    parts = case.parts
    body = [parts.get("body", "").strip("\n")]
    for key, heading in (("reply", "答复"), ("second_reply", "二次答复")):
        text = parts.get(key, "").strip("\n")
        if text:
            body.append(f"## {heading}\n\n{text}")
    return "\n".join(lines) + "\n\n" + "\n\n".join(b for b in body if b) + "\n"


def _line_of(raw, fragment, after=0):
    """1-based line of ``fragment`` in the file text (or of ``after``)."""
    at = raw.find(fragment, after) if fragment else -1
    return raw.count("\n", 0, at if at >= 0 else after) + 1


def public_units(case):
    """(where, text, first line) of every public text of a case file."""
    raw = case.path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    header_end = raw.find("\n\n")
    units = []
    for key, value in case.public_meta().items():
        if key in ("submitter",):
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item:
                units.append((key, item, _line_of(raw[:header_end], item)))
    for name, where in SECTION_TITLES.items():
        text = case.parts.get(name)
        if text and text.strip():
            units.append((where, text, _line_of(raw, text, max(header_end, 0))))
    return units


def check_case(case, allow):
    """Problems: personal data in the public parts of a case."""
    _plugin()
    from portal import pii
    from portal.problems import Problems
    problems = Problems()
    name = case.name
    if name.endswith("某") or name == "匿名":  # already reduced (invoke purge)
        name = ""
    names = [name] if len(name) >= 2 else []
    given = pii.given_name_of(name)
    if len(given) >= 2:
        names.append(given)
    detector = pii.Detector(names=names, phones=[case.phone] if case.phone else [], allow=allow)
    for where, text, first_line in public_units(case):
        for finding in detector.scan(text):
            line = first_line + detector.last_text.count("\n", 0, finding.start)
            context = pii.snippet(detector.last_text, finding.start, finding.end)
            problems.add(case.path, f"{where}（第{line}行）",
                         f"含有{finding.describe()}：{context}。公开前请删去或改写"
                         f"（姓名写作“{pii.surname_of(name) or '姓'}某”；原话保留在“## 原文”中，不会公开）",
                         f"line {line}: contains a {pii.KIND_EN[finding.kind]} {finding.match!r}; "
                         "remove or rewrite it before publishing")
    return problems


def _validate(case, text, settings, today):
    """Problems of the public file as the site will read it (fields, lifecycle)."""
    _plugin()
    from portal.models import Suggestion
    from portal.problems import Problems
    from portal.source import Renderer, SourceFile, split_header, split_sections
    import hashlib
    problems = Problems()
    meta, body, errors = split_header(text)
    renderer = Renderer(settings)
    sections = {k: renderer(v) for k, v in split_sections(body).items()}
    source = SourceFile(case.path, meta, sections, hashlib.sha256(text.encode()).hexdigest(), errors)
    Suggestion.from_source(source, problems, settings, {}, today)
    return problems


def _allowlist(settings):
    _plugin()
    from portal.source import split_header
    allow = list(settings.get("PORTAL_PII_ALLOW") or [])
    stations = Path(settings["PATH"]) / settings["PORTAL_DIRS"]["stations"]
    for path in sorted(stations.glob("*.md")) if stations.is_dir() else []:
        meta, _, _ = split_header(path.read_text("utf-8-sig"))
        if isinstance(meta.get("phone"), str) and meta["phone"].strip():
            allow.append(meta["phone"].strip())
    return allow


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def publish(codes=(), content=None, inbox=None, output=None, settings_file=None,
            build=True, deploy=True):
    """Publish cases; return a Result. Raises Refused (nothing written) when
    a code is unknown or not ready, or a public text carries personal data,
    and the plugin's ContentError when the rebuilt site has problems."""
    from portal_tools import site
    _plugin()
    from portal import casefiles, tracking
    from portal.catalog import portal_today
    from portal.problems import Problems

    settings = site.load_settings(settings_file, path=content)
    content_path = Path(settings["PATH"])
    inbox_path = Path(inbox) if inbox else casefiles.inbox_path(settings) or ROOT / "inbox"
    today = portal_today(settings)
    problems = Problems()
    by_code = {case.code: case for case in casefiles.read_inbox(settings, inbox=inbox_path)}

    if codes:
        chosen = []
        for typed in codes:
            try:
                code = tracking.normalize(typed)
            except tracking.CodeError as err:
                problems.add(typed, "code", err.message, f"invalid tracking code ({err.reason})")
                continue
            case = by_code.get(code)
            if case is None:
                problems.add(inbox_path / f"{code}.md", "code", f"收件箱中没有受理编号为 {code} 的案卷",
                             f"no case {code} in {inbox_path}")
            elif not is_ready(case):
                problems.add(case.path, "answered", "尚未答复（也未合并、不予受理或撤回），不能发布",
                             "not ready: publish after the reply (or merged / rejected / withdrawn)")
            else:
                chosen.append(case)
    else:
        chosen = [case for code, case in sorted(by_code.items()) if is_ready(case)]

    allow = _allowlist(settings)
    texts = {}
    for case in chosen:
        found = check_case(case, allow)
        problems.extend(found)
        if found:
            continue
        text = public_text(case)
        problems.extend(_validate(case, text, settings, today))
        texts[case.code] = text
    if problems:
        raise Refused(problems)

    result = Result()
    target_dir = content_path / settings["PORTAL_DIRS"]["suggestions"]
    for code, text in sorted(texts.items()):
        target = target_dir / f"{code}.md"
        if target.exists() and target.read_text("utf-8") == text:
            result.unchanged.append(target)
            continue
        _write(target, text)
        result.written.append(target)

    if build:
        # The build reads the same inbox: tracking status and the PII guard.
        built = site.build(settings_file, path=str(content_path), output_path=output,
                           portal_inbox=str(inbox_path), search=False)
        result.built = True
        if deploy:
            result.deployed = _deploy(output or settings["OUTPUT_PATH"])
        # The pages are live; the search index follows them (it takes much
        # longer on a large site), then goes out too.
        try:
            indexed = site.update_search(built)
        except site.search_error() as err:
            # The previous index stays (whole); the next publish or build retries.
            result.search_error = err.report()
        else:
            if deploy and indexed.status == "indexed" and result.deployed is not None:
                result.deployed = _deploy(output or settings["OUTPUT_PATH"])
    return result


def _deploy(output):
    """Deploy when a target is configured (PORTAL_DEPLOY_BUCKET)."""
    bucket = os.environ.get("PORTAL_DEPLOY_BUCKET")
    if not bucket:
        return None
    try:
        from portal_tools import deploy as deploying
    except ImportError:
        return None
    defaults = deploying.settings_from_env() if hasattr(deploying, "settings_from_env") else {}
    return deploying.deploy(output, bucket, prefix=defaults.get("prefix") or "",
                            distribution=defaults.get("distribution"))


__all__ = ["publish", "Refused", "Result", "public_text", "public_submitter", "check_case"]
