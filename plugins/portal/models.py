"""The portal's content types: Pelican Content subclasses.

Each type parses and validates its own metadata (``parse``) into plain
attributes; references to other objects (a deputy's station, a suggestion's
units) are resolved afterwards by the catalog, which sees every file.
"""

import calendar
import datetime
import re

from pelican.contents import Content

from . import readcache, recurrence
from . import tracking
from .fields import Fields, split_list
from .filters import cn_date


class PortalContent(Content):
    mandatory_properties = ("title",)
    KNOWN = frozenset()
    LINKED = ()  # lists that point back at an object (a deputy's suggestions), read from the catalog on first use
    REFERENCES = ()  # objects it names (a suggestion's deputies), made by the catalog on first use

    # Pelican works out url and save_as from the settings on every use; ours
    # never change within a build (they are made of the ID), so once is enough.
    @property
    def url(self):
        url = self.__dict__.get("_url")
        if url is None:
            url = self._url = self.get_url_setting("url")
        return url

    @property
    def save_as(self):
        save_as = self.__dict__.get("_save_as")
        if save_as is None:
            save_as = self._save_as = self.get_url_setting("save_as")
        return save_as

    def __getattr__(self, name):
        d = self.__dict__
        # An object made from the build's store reads its rendered HTML
        # (body, replies) from its file on first use (readcache.py) ...
        if name in readcache.HEAVY and d.get("_sections_pending"):
            d["_sections_pending"] = False
            d.update(readcache.load_sections(self))
            return getattr(self, name)
        # ... and, from the catalog, the objects it names and the lists that point back at it.
        if "_catalog" in d:
            if name in type(self).REFERENCES:
                value = d[name] = d["_catalog"].referenced(self, name)
                return value
            if name in type(self).LINKED:
                value = d[name] = d["_catalog"].linked(self, name)
                return value
        raise AttributeError(name)

    @property
    def url_format(self):
        # Our URLs only ever use the ID-based slug (plus fields that a
        # subclass adds), never dates or categories.
        return {"slug": self.slug}

    @classmethod
    def from_source(cls, source, problems, settings, context, today):
        fields = Fields(source, problems)
        fields.check_known(cls.KNOWN)
        if "original" in source.sections:
            fields.problem("## 原文", "“原文”是私密案卷的内容，不能放在公开内容中",
                           "the 原文 section belongs to a private case file, never to public content")
        meta = cls.parse(fields, settings, today)
        cls.check_sections(fields, meta, source.sections)
        meta["digest"] = source.digest
        for name, html in source.sections.items():
            if name != "original":
                meta[f"{name}_html"] = html
        obj = cls(source.sections["body"], metadata=meta, settings=settings,
                  source_path=str(source.path), context=context)
        obj._url, obj._save_as = obj.get_url_setting("url"), obj.get_url_setting("save_as")
        return obj

    @classmethod
    def check_sections(cls, fields, meta, sections):
        """Problems with the body's sections; most types have none."""


class Deputy(PortalContent):
    default_template = "deputy"
    LINKED = ("led", "cosigned", "addressed", "occasions")
    KNOWN = frozenset({"id", "name", "levels", "term", "constituency", "group", "station",
                       "occupation", "ethnicity", "gender", "photo", "households", "new"})

    @classmethod
    def parse(cls, f, settings, today):
        name = f.text("name", max_len=20)
        return {
            "slug": f.ident(), "title": name, "name": name,
            "levels": f.many("levels", settings["DEPUTY_LEVELS"], required=True),
            "term": f.text("term", max_len=20),
            "constituency": f.text("constituency", max_len=40),
            "group": f.text("group", max_len=40),
            "station_id": f.text("station", max_len=40),
            "occupation": f.text("occupation", max_len=60),
            "ethnicity": f.text("ethnicity", max_len=10),
            "gender": f.choice("gender", ["男", "女"]),
            "photo": f.text("photo", required=False),
            "households": f.integer("households", maximum=10000),
            "newly_elected": f.yes("new"),
        }

    @property
    def level_label(self):
        """县镇两级代表 style label."""
        short = {"全国": "全国", "省": "省", "市": "市", "县": "县", "乡镇": "镇"}
        if len(self.levels) == 1:
            return {"乡镇": "乡镇人大代表"}.get(self.levels[0], f"{self.levels[0]}人大代表")
        return "".join(short[level] for level in self.levels) + "两级代表" if len(self.levels) == 2 \
            else "、".join(self.levels) + "人大代表"


_COORDS = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,，]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


class Station(PortalContent):
    default_template = "station"
    LINKED = ("deputies", "occasions")
    KNOWN = frozenset({"id", "name", "kind", "address", "village", "coordinates", "hours",
                       "head", "phone", "facilities"})

    @classmethod
    def parse(cls, f, settings, today):
        coords = f.text("coordinates", max_len=60)
        lat = lon = None
        if coords is not None:
            match = _COORDS.match(coords)
            if match and abs(float(match.group(1))) <= 90 and abs(float(match.group(2))) <= 180:
                lat, lon = float(match.group(1)), float(match.group(2))
            else:
                f.problem("coordinates", f"“{coords}”无效，应为“纬度, 经度”（如 24.312, 103.781）",
                          f"{coords!r} is not valid; expected 'latitude, longitude' (e.g. 24.312, 103.781)")
        phone = f.text("phone", max_len=30)
        if phone is not None and not re.fullmatch(r"[0-9０-９+\-— ()（）转]{7,30}", phone):
            f.problem("phone", f"“{phone}”不像电话号码（如 0873-6123456）",
                      f"{phone!r} does not look like a phone number (e.g. 0873-6123456)")
        name = f.text("name", max_len=40)
        return {
            "slug": f.ident(), "title": name, "name": name,
            "kind": f.choice("kind", ["代表之家", "代表联络站"]),
            "address": f.text("address", max_len=100),
            "village": f.text("village", max_len=40),
            "latitude": lat, "longitude": lon,
            "hours": f.text("hours", max_len=100),
            "head": f.text("head", max_len=20),
            "phone": phone,
            "facilities": f.many("facilities"),
        }


class Unit(PortalContent):
    default_template = "unit"
    LINKED = ("suggestions",)
    KNOWN = frozenset({"id", "name", "kind"})

    @classmethod
    def parse(cls, f, settings, today):
        name = f.text("name", max_len=40)
        return {"slug": f.ident(), "title": name, "name": name,
                "kind": f.text("kind", max_len=20)}


class Occasion:
    """One concrete reception day of a schedule.

    ``original_date`` is the day the schedule names and makes the stable
    address; ``date`` is when it actually takes place (they differ for a
    moved day)."""

    def __init__(self, schedule, original_date, deputy_ids):
        self.schedule = schedule
        self.original_date = original_date
        self.date = original_date
        self.deputy_ids = deputy_ids
        self.deputies = []
        self.cancelled = False
        self.moved = False
        self.reason = ""
        self.record = None  # (visitors, opinions, summary)

    def __getattr__(self, name):
        # The suggestions collected on the day, read from the catalog on first use.
        schedule = self.__dict__.get("schedule")
        if name == "suggestions" and schedule is not None and "_catalog" in schedule.__dict__:
            value = self.__dict__["suggestions"] = schedule._catalog.occasion_suggestions(self)
            return value
        raise AttributeError(name)

    @property
    def slug(self):
        return self.original_date.isoformat()

    @property
    def url(self):
        return self.schedule.settings["RECEPTION_DAY_URL"].format(
            slug=self.schedule.slug, date=self.slug)

    @property
    def save_as(self):
        return self.schedule.settings["RECEPTION_DAY_SAVE_AS"].format(
            slug=self.schedule.slug, date=self.slug)

    @property
    def title(self):
        return self.schedule.title

    @property
    def start(self):
        return self.schedule.start

    @property
    def end(self):
        return self.schedule.end

    @property
    def station(self):
        return self.schedule.station

    def state(self, today):
        if self.cancelled:
            return "cancelled"
        if self.date > today:
            return "upcoming"
        if self.date == today:
            return "today"
        return "held" if self.record else "past"

    @property
    def sort_key(self):
        return (self.date, self.start, self.schedule.slug)


class ReceptionDay(PortalContent):
    """A reception-day file: a single day or a recurring schedule."""

    default_template = "reception_day"
    KNOWN = frozenset({"id", "title", "station", "deputies", "rota", "start", "end", "theme",
                       "date", "repeat", "from", "until", "exceptions", "records"})

    @classmethod
    def parse(cls, f, settings, today):
        meta = {
            "slug": f.ident(), "title": f.text("title", max_len=60),
            "station_id": f.text("station", max_len=40),
            "start": f.time("start"), "end": f.time("end"),
            "theme": f.text("theme", required=False, max_len=100),
        }
        if meta["start"] and meta["end"] and meta["end"] <= meta["start"]:
            f.problem("end", "结束时间应晚于开始时间", "end must be after start")
        rota = [split_list(line) for line in (f.meta.get("rota") if isinstance(f.meta.get("rota"), list)
                                              else [f.meta["rota"]] if f.meta.get("rota") else [])]
        deputies = f.many("deputies")
        if bool(rota) == bool(deputies):
            f.problem("deputies", "请填写 deputies（每次接待的代表）或 rota（轮值表）之一",
                      "give exactly one of deputies (on duty every day) or rota (turns)")
        if any(not turn for turn in rota):
            f.problem("rota", "轮值表每行应列出至少一名代表编号", "each rota line names at least one deputy ID")
        meta["deputy_ids"] = deputies
        meta["rota"] = rota
        meta["rule"] = None
        dates = cls._schedule_dates(f, meta, settings, today)
        occasions = {}
        for index, day in enumerate(dates):
            ids = rota[index % len(rota)] if rota else deputies
            occasions[day] = Occasion(None, day, ids)
        cls._apply_exceptions(f, occasions)
        cls._apply_records(f, occasions, today)
        meta["occasions"] = [occasions[d] for d in sorted(occasions)]
        return meta

    @staticmethod
    def _schedule_dates(f, meta, settings, today):
        single, repeat = f.has("date"), f.has("repeat")
        if single == repeat:
            f.problem("date", "请填写 date（单次接待日）或 repeat（定期接待）之一",
                      "give exactly one of date (a single day) or repeat (a schedule)")
            return []
        if single:
            day = f.date("date", required=True)
            for key in ("from", "until"):
                if f.has(key):
                    f.problem(key, "单次接待日不需要此字段", "only used with repeat")
            return [day] if day else []
        rule = recurrence.parse_rule(f.meta["repeat"] if isinstance(f.meta["repeat"], str) else "")
        if rule is None:
            f.problem("repeat", f"“{f.meta['repeat']}”无法识别，应为“每周五”或“每月1、11、21日”这样的写法",
                      f"{f.meta['repeat']!r} not understood; write e.g. 每周五 or 每月1、11、21日")
        first = f.date("from", required=True)
        until = f.date("until")
        if first and until and until < first:
            f.problem("until", "结束日期早于开始日期", "until is before from")
        meta["rule"] = rule
        meta["first_date"], meta["until"] = first, until
        if rule is None or first is None:
            return []
        horizon = today + datetime.timedelta(days=settings["RECEPTION_HORIZON_DAYS"])
        return recurrence.expand(rule, first, min(until, horizon) if until else horizon)

    @staticmethod
    def _apply_exceptions(f, occasions):
        moved_to = set()
        for day, (action, reason) in f.dated_lines("exceptions", 2):
            occasion = occasions.get(day)
            if occasion is None:
                f.problem("exceptions", f"{day} 不是本接待日安排中的日期",
                          f"{day} is not a day of this schedule")
                continue
            occasion.reason = reason
            if action == "取消":
                occasion.cancelled = True
                continue
            match = re.fullmatch(r"改(?:至|期至|到)\s*(\d{4}-\d{2}-\d{2})", action)
            target = datetime.date.fromisoformat(match.group(1)) if match else None
            if target is None:
                f.problem("exceptions", f"“{action}”无效，应为“取消”或“改至 YYYY-MM-DD”",
                          f"{action!r} is not valid; expected 取消 or 改至 YYYY-MM-DD")
            elif target in occasions or target in moved_to:
                f.problem("exceptions", f"改期后的日期 {target} 已有接待安排",
                          f"moved-to date {target} already has a reception day")
            else:
                occasion.date, occasion.moved = target, True
                moved_to.add(target)

    @staticmethod
    def _apply_records(f, occasions, today):
        by_date = {o.date: o for o in occasions.values()}
        for day, (visitors, opinions, summary) in f.dated_lines("records", 3):
            occasion = by_date.get(day)
            if occasion is None or occasion.cancelled:
                f.problem("records", f"{day} 不是本接待日安排中举行的日期",
                          f"{day} is not a held day of this schedule")
            elif day > today:
                f.problem("records", f"{day} 尚未到来，不能填写接待记录",
                          f"{day} is in the future; a record comes after the day")
            elif not (visitors.isdigit() and opinions.isdigit()):
                f.problem("records", f"{day}：接待人次和意见条数应为整数",
                          f"{day}: visitors and opinions must be whole numbers")
            else:
                occasion.record = (int(visitors), int(opinions), summary)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for occasion in self.occasions:
            occasion.schedule = self

    @property
    def schedule_label(self):
        if self.rule is None:
            return self.occasions[0].date.isoformat() if self.occasions else ""
        return self.rule.describe()


STATE_LABELS = {
    "received": "已受理", "assigned": "已交办", "in_progress": "办理中",
    "answered": "已答复", "rehandling": "重新办理", "evaluated": "已评价",
    "closed": "已办结", "merged": "重复件已合并", "rejected": "不予受理", "withdrawn": "已撤回",
}
SATISFACTION = ["满意", "基本满意", "不满意"]
_SUBMITTER = re.compile(r"^(匿名|[\u4e00-\u9fff]{1,2}某)$")


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Suggestion(PortalContent):
    default_template = "suggestion"
    LINKED = ("duplicates",)
    REFERENCES = ("lead", "cosigners", "addressed_to", "station", "merged_into", "occasion")
    KNOWN = frozenset({
        "code", "title", "source", "category", "submitter", "lead", "cosigners", "addressed",
        "station", "reception", "received", "assigned", "lead_unit", "assist_units", "deadline",
        "progress", "answered", "result", "face_to_face", "evaluated", "satisfaction",
        "second_reply", "second_satisfaction", "closed", "supervised", "supervisor", "followups",
        "merged_into", "merged", "rejected", "reject_reason", "withdrawn"})

    @property
    def url_format(self):
        return {"slug": self.slug, "code": self.code}

    @classmethod
    def check_sections(cls, f, m, sections):
        if not sections.get("body"):
            f.problem("正文", "缺少意见建议内容（标题行之后的正文）", "the body (the opinion itself) is empty")
        if m["answered"] and not sections.get("reply"):
            f.problem("## 答复", "已答复的件必须在“## 答复”下写明答复全文",
                      "an answered case needs the reply text under '## 答复'")
        if sections.get("reply") and not m["answered"]:
            f.problem("answered", "有答复全文时必须填写答复日期", "required when there is a '## 答复' section")
        if m["second_reply"] and not sections.get("second_reply"):
            f.problem("## 二次答复", "填写了 second_reply 时必须写明二次答复全文",
                      "a second reply needs its text under '## 二次答复'")

    @classmethod
    def parse(cls, f, settings, today):
        code = f.text("code", max_len=20)
        if code is not None:
            try:
                normal = tracking.normalize(code)
                if normal != code:
                    f.problem("code", f"请写成标准格式“{normal}”", f"write it in canonical form {normal!r}")
            except tracking.CodeError as err:
                f.problem("code", err.message, f"invalid tracking code ({err.reason})")
        categories = dict((name, slug) for slug, name in settings["SUGGESTION_CATEGORIES"])
        source = f.choice("source", ["群众意见", "代表建议"])
        m = {
            "slug": code, "code": code, "title": f.text("title", max_len=80),
            "source": source,
            "category": f.choice("category", list(categories)),
            "lead_id": f.text("lead", required=source == "代表建议", max_len=40),
            "cosigner_ids": f.many("cosigners"),
            "addressed_ids": f.many("addressed"),
            "station_id": f.text("station", required=False, max_len=40),
            "reception_ref": f.text("reception", required=False, max_len=60),
            "received": f.date("received", required=True),
            "assigned": f.date("assigned"),
            "lead_unit_id": f.text("lead_unit", required=False, max_len=40),
            "assist_unit_ids": f.many("assist_units"),
            "deadline": f.date("deadline"),
            "progress": [(d, text) for d, (text,) in f.dated_lines("progress", 1)],
            "answered": f.date("answered"),
            "result": f.choice("result", list(settings["RESULT_CLASSES"]), required=False),
            "face_to_face": f.yes("face_to_face"),
            "evaluated": f.date("evaluated"),
            "satisfaction": f.choice("satisfaction", SATISFACTION, required=False),
            "second_reply": f.date("second_reply"),
            "second_satisfaction": f.choice("second_satisfaction", SATISFACTION, required=False),
            "closed": f.date("closed"),
            "supervised": f.yes("supervised"),
            "supervisor": f.text("supervisor", required=False, max_len=60),
            "followups": [(d, text) for d, (text,) in f.dated_lines("followups", 1)],
            "merged_into_code": f.text("merged_into", required=False, max_len=20),
            "merged": f.date("merged"),
            "rejected": f.date("rejected"),
            "reject_reason": f.text("reject_reason", required=False, max_len=300),
            "withdrawn": f.date("withdrawn"),
        }
        m["category_slug"] = categories.get(m["category"])
        submitter = f.text("submitter", required=False, max_len=10)
        if submitter is not None and source == "代表建议":
            f.problem("submitter", "代表建议不填写 submitter，请用 lead 填写领衔代表",
                      "deputy suggestions have no submitter; use lead")
        elif submitter is not None and not _SUBMITTER.match(submitter):
            f.problem("submitter", "只能写“姓+某”（如 张某）或“匿名”，不能公开群众全名",
                      "only surname + 某 (e.g. 张某) or 匿名: a citizen's full name is never public")
            submitter = None
        m["submitter"] = submitter or ("匿名" if source == "群众意见" else None)
        if source == "代表建议" and m["addressed_ids"]:
            f.problem("addressed", "代表建议用 lead / cosigners 填写代表", "deputy suggestions use lead / cosigners")
        if m["assigned"] and m["deadline"] is None and source:
            m["deadline"] = add_months(m["assigned"], settings["DEADLINE_MONTHS"][source])
        cls._check_lifecycle(f, m, today)
        return m

    @staticmethod
    def _check_lifecycle(f, m, today):
        if m["assigned"] and not m["lead_unit_id"]:
            f.problem("lead_unit", "已交办的件必须填写主办单位", "required when assigned is given")
        if m["lead_unit_id"] and not m["assigned"]:
            f.problem("assigned", "填写了主办单位时必须填写交办日期", "required when lead_unit is given")
        if m["answered"] and not m["assigned"]:
            f.problem("assigned", "已答复的件必须先交办", "an answered case must have been assigned")
        if m["answered"] and not m["result"]:
            f.problem("result", "已答复的件必须填写办理结果类别", "required when answered is given")
        if m["result"] and not m["answered"]:
            f.problem("answered", "填写了结果类别时必须填写答复日期", "required when result is given")
        if m["evaluated"] and not m["satisfaction"]:
            f.problem("satisfaction", "已评价的件必须填写满意度", "required when evaluated is given")
        if m["satisfaction"] and not m["evaluated"]:
            f.problem("evaluated", "填写了满意度时必须填写评价日期", "required when satisfaction is given")
        if m["evaluated"] and not m["answered"]:
            f.problem("evaluated", "尚未答复的件不能评价", "a case is evaluated only after it is answered")
        if m["second_reply"] and m["satisfaction"] != "不满意":
            f.problem("second_reply", "只有评价为“不满意”的件才有二次答复",
                      "a second reply follows only a 不满意 evaluation")
        if m["second_satisfaction"] and not m["second_reply"]:
            f.problem("second_satisfaction", "没有二次答复，不能评价二次答复",
                      "requires second_reply")
        if m["closed"] and not m["answered"]:
            f.problem("closed", "尚未答复的件不能办结", "a case is closed only after it is answered")
        if m["followups"] and not m["answered"]:
            f.problem("followups", "回头看应在答复之后", "follow-ups come after the answer")
        if m["supervised"] and not m["supervisor"]:
            f.problem("supervisor", "重点督办件必须填写督办领导", "required when supervised is 是")
        if m["merged_into_code"] and not m["merged"]:
            f.problem("merged", "合并的件必须填写合并日期", "required when merged_into is given")
        if m["merged"] and not m["merged_into_code"]:
            f.problem("merged_into", "填写了合并日期时必须填写并入的受理编号", "required when merged is given")
        if m["rejected"] and not m["reject_reason"]:
            f.problem("reject_reason", "不予受理的件必须公开说明理由", "required when rejected is given")
        ends = [k for k in ("merged", "rejected", "withdrawn") if m[k]]
        if len(ends) > 1:
            f.problem(ends[1], f"{ends[0]} 与 {ends[1]} 不能同时出现", f"{ends[0]} and {ends[1]} exclude each other")
        if (m["merged"] or m["rejected"]) and (m["assigned"] or m["answered"]):
            key = "merged" if m["merged"] else "rejected"
            f.problem(key, "已交办或已答复的件不能再合并或不予受理",
                      "an assigned or answered case cannot be merged or rejected")
        if m["withdrawn"] and m["answered"]:
            f.problem("withdrawn", "已答复的件不能撤回", "an answered case cannot be withdrawn")
        # Dates along the lifecycle never go backwards, and none is in the future.
        chain = [("received", m["received"]), ("assigned", m["assigned"])]
        chain += [("progress", d) for d, _ in m["progress"]]
        chain += [("answered", m["answered"]), ("evaluated", m["evaluated"]),
                  ("second_reply", m["second_reply"]), ("closed", m["closed"])]
        chain += [("followups", d) for d, _ in m["followups"]]
        previous = None
        for name, day in chain:
            if day is None:
                continue
            if previous and day < previous[1]:
                f.problem(name, f"日期 {day} 早于 {previous[0]} 的 {previous[1]}，日期不能倒退",
                          f"{day} is before {previous[0]} ({previous[1]}); dates cannot go backwards")
            if day > today:
                f.problem(name, f"日期 {day} 在今天（{today}）之后", f"{day} is in the future (today is {today})")
            previous = (name, day)
        for name in ("merged", "rejected", "withdrawn"):
            day = m[name]
            if day and m["received"] and day < m["received"]:
                f.problem(name, f"日期 {day} 早于受理日期 {m['received']}",
                          f"{day} is before received ({m['received']})")
            if day and day > today:
                f.problem(name, f"日期 {day} 在今天（{today}）之后", f"{day} is in the future (today is {today})")
        if m["deadline"] and m["assigned"] and m["deadline"] <= m["assigned"]:
            f.problem("deadline", "办理期限应晚于交办日期", "deadline must be after assigned")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state = self._state()

    def _state(self):
        for name in ("merged", "rejected", "withdrawn"):
            if getattr(self, name):
                return name
        if self.closed:
            return "closed"
        if self.evaluated:
            if self.satisfaction == "不满意" and not self.second_reply:
                return "rehandling"
            return "evaluated"
        if self.answered:
            return "answered"
        if self.progress:
            return "in_progress"
        if self.assigned:
            return "assigned"
        return "received"

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def final_satisfaction(self):
        return self.second_satisfaction or self.satisfaction

    def is_overdue(self, today):
        """Not answered by the deadline (still open, or answered late)."""
        if not self.deadline or self.state in ("merged", "rejected", "withdrawn"):
            return False
        if self.answered:
            return self.answered > self.deadline
        return today > self.deadline

    @property
    def answered_on_time(self):
        return bool(self.answered and self.deadline and self.answered <= self.deadline)

    def timeline(self):
        """Dated events, oldest first, for the public page (worked out once:
        the page, the status record, the feeds and the Open311 mirror show it)."""
        events = self.__dict__.get("_timeline")
        if events is None:
            events = self.__dict__["_timeline"] = Suggestion._events(self)  # also for views (tracking_pages)
        return events

    def last_event_date(self):
        """The date of the timeline's last event, without making the
        timeline (feeds and the Open311 mirror sort thousands by it)."""
        dates = [d for d in (self.received, self.assigned, self.answered, self.evaluated, self.second_reply,
                             self.closed, self.merged, self.rejected, self.withdrawn) if d]
        dates += [d for d, _ in self.progress]
        dates += [d for d, _ in self.followups]
        return max(dates)

    def _events(self):
        events = [(self.received, "received", "受理", "")]
        if self.assigned:
            units = self.lead_unit.name if getattr(self, "lead_unit", None) else ""
            events.append((self.assigned, "assigned", "交办",
                           f"主办：{units}；办理期限：{cn_date(self.deadline)}"))
        events += [(d, "progress", "办理进度", text) for d, text in self.progress]
        if self.answered:
            events.append((self.answered, "answered", "答复", ""))
        if self.evaluated:
            events.append((self.evaluated, "evaluated", "评价", self.satisfaction))
        if self.second_reply:
            events.append((self.second_reply, "second_reply", "二次答复",
                           self.second_satisfaction and f"评价：{self.second_satisfaction}" or ""))
        if self.closed:
            events.append((self.closed, "closed", "办结", ""))
        events += [(d, "followup", "回头看", text) for d, text in self.followups]
        if self.merged:
            events.append((self.merged, "merged", "合并", f"与受理编号 {self.merged_into_code} 重复，合并办理"))
        if self.rejected:
            events.append((self.rejected, "rejected", "不予受理", self.reject_reason))
        if self.withdrawn:
            events.append((self.withdrawn, "withdrawn", "撤回", "提出人撤回"))
        return sorted(events, key=lambda e: e[0])
