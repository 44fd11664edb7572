"""Jinja filters for Chinese dates and numbers."""

WEEKDAYS = "一二三四五六日"


def cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def cn_md(day):
    return f"{day.month}月{day.day}日" if day else ""


def weekday(day):
    return f"星期{WEEKDAYS[day.weekday()]}" if day else ""


def hm(time):
    return time.strftime("%H:%M") if time else ""


def percent(rate):
    return "—" if rate is None else f"{rate:g}%"


FILTERS = {"cn_date": cn_date, "cn_md": cn_md, "weekday": weekday, "hm": hm, "percent": percent}
