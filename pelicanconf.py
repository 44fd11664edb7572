"""Site settings for the portal (development defaults; see publishconf.py)."""

AUTHOR = "青石镇人大主席团"
SITENAME = "青石镇人大代表履职服务平台"
SITE_OWNER = "云岭县青石镇人民代表大会主席团"
SITEURL = ""
# The public address QR codes on printed notices and cards open (they need an
# absolute URL); used when SITEURL is not an absolute URL. Fictional default.
PORTAL_PUBLIC_URL = "https://rd.qingshi.example.gov.cn"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

PATH = "content"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["portal"]

# Ordinary Pelican content: news articles and pages. The portal's own types
# live in the directories below and are read by the portal plugin only.
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
ARTICLE_URL = "news/{slug}/"
ARTICLE_SAVE_AS = "news/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
INDEX_SAVE_AS = "news/index.html"
DIRECT_TEMPLATES = ["index"]
DEFAULT_PAGINATION = False
# No tag, category, author or archive listings: the portal has its own indexes.
for _kind in ("TAG", "CATEGORY", "AUTHOR", "DRAFT", "DRAFT_PAGE"):
    globals()[f"{_kind}_SAVE_AS"] = ""
TAGS_SAVE_AS = CATEGORIES_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
SLUGIFY_SOURCE = "basename"

# Deterministic output: nothing in a page depends on when it was built.
# PORTAL_TODAY fixes "today" (reception days ahead, overdue items); by
# default it is the current date in TIMEZONE. The environment variable of
# the same name overrides it (tests and benchmarks use it).
PORTAL_TODAY = None
RECEPTION_HORIZON_DAYS = 60
HOME_UPCOMING_DAYS = 14

PORTAL_DIRS = {
    "deputies": "deputies",
    "stations": "stations",
    "units": "units",
    "reception": "reception-days",
    "suggestions": "suggestions",
}

DEPUTY_LEVELS = ["全国", "省", "市", "县", "乡镇"]

# (slug, name): the slug makes the index address /suggestions/category/<slug>/.
SUGGESTION_CATEGORIES = [
    ("transport", "交通出行"),
    ("water", "饮水安全"),
    ("irrigation", "农田水利"),
    ("education", "教育"),
    ("health", "医疗卫生"),
    ("welfare", "社会保障"),
    ("industry", "产业发展"),
    ("environment", "生态环境"),
    ("village", "村镇建设"),
    ("governance", "社会治理"),
    ("other", "其他"),
]

# 办理结果类别: places differ, so the classes are configurable.
RESULT_CLASSES = {
    "A": "已解决或基本解决",
    "B": "正在解决",
    "C": "列入计划逐步解决",
    "D": "留作参考或作出解释",
}

# Months from assignment to the reply deadline, by source.
DEADLINE_MONTHS = {"群众意见": 1, "代表建议": 3}

# Private case files (invoke pull writes them; see README "处理来信").
# None: <repo>/inbox/ (git-ignored); a relative path is relative to the
# repository. The environment variable PORTAL_INBOX overrides it.
PORTAL_INBOX = None
# Days after a case ended (closed, merged, rejected, withdrawn) before
# invoke purge removes the citizen's contact data.
PORTAL_RETENTION_DAYS = 180

# How many suggestions the home page lists as latest answered.
HOME_LATEST_ANSWERED = 6

# Escape every value a template prints unless it is marked |safe (the HTML
# the build itself made from Markdown): a citizen's title or words can never
# become markup on the public site.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
    },
    "output_format": "html5",
}

# Public contacts the PII guard and `invoke publish` never flag, besides the
# stations' phones in content/stations (compared digit by digit), e.g.
# ["0873-6120000", "renda@qingshi.example.gov.cn"].
PORTAL_PII_ALLOW = []
