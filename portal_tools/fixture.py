"""Deterministic content fixture: a complete, fictional ``content/`` directory.

    python -m portal_tools.fixture --scale county --out /tmp/content [--seed N]

Writes deputies, stations, handling units, reception days (single days and a
few recurring schedules), suggestions in every state of the lifecycle, pages
and news, in the file format of README.md ("Content reference").  Everything
is drawn from ``random.Random`` seeded from ``seed``, files are written in a
fixed order and nothing depends on the clock, so the same arguments give
byte-identical files.  Files are streamed out one at a time; memory stays
small even at province scale.

All names and places are invented.  Citizens appear only as surname + 某 or
匿名; the texts contain no phone, ID-card or e-mail numbers (only stations
carry their public phone in the ``phone`` field).
"""

import argparse
import calendar
import datetime
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
if str(_REPO / "intake") not in sys.path:
    sys.path.insert(0, str(_REPO / "intake"))
from chalicelib import tracking  # noqa: E402


@dataclass(frozen=True)
class Scale:
    deputies: int
    stations: int
    reception_days: int
    suggestions: int
    towns: int
    village_units: int  # village committees as handling units (besides departments and towns)


SCALES = {
    "small": Scale(40, 4, 60, 300, 2, 0),
    "county": Scale(1000, 60, 5000, 20000, 12, 0),
    "province": Scale(5000, 300, 25000, 100000, 60, 70),
}

DEFAULT_SEED = 20261122
DEFAULT_TODAY = datetime.date(2026, 11, 22)
SUGGESTIONS_FROM = datetime.date(2022, 1, 1)
RECEPTION_YEARS = 3
HORIZON_DAYS = 60  # RECEPTION_HORIZON_DAYS in pelicanconf.py

# Kept in step with pelicanconf.py (not imported: it is a settings file).
CATEGORIES = ["交通出行", "饮水安全", "农田水利", "教育", "医疗卫生", "社会保障",
              "产业发展", "生态环境", "村镇建设", "社会治理", "其他"]
RESULT_CLASSES = ["A", "B", "C", "D"]
DEADLINE_MONTHS = {"群众意见": 1, "代表建议": 3}
CITIZEN, DEPUTY = "群众意见", "代表建议"

OUT_DIRS = ("deputies", "stations", "units", "reception-days", "suggestions", "pages", "news")

# ---------------------------------------------------------------------------
# Name and place pools (invented)

SURNAMES = ("李王张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
            "袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟"
            "熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤普鲁者")
GIVEN = ("国建明华平志红春光文德福永海成荣学秀英兰芳玉云丽萍艳梅琼珍凤洪波勇军强伟"
         "刚林忠祥昌兴发贵富顺安正友家绍开世启德有金银顺琴燕娟霞敏静婷雪晓俊涛斌超"
         "亮宏鹏飞杰磊鑫宇佳欣雨露晨阳松柏桂菊莲秋冬")
ETHNICITIES = ["汉族"] * 10 + ["彝族"] * 6 + ["哈尼族"] * 2 + ["苗族"] * 2 + ["壮族"] * 2 + [
    "回族", "傣族", "白族", "瑶族"]
TOWN_A = "青云龙白凤金银玉翠清宝永长安新兴和平松梅兰竹石马"
TOWN_B = "石溪河山坪岭川湖源泉桥水坝湾林峰阳谷"
VILL_A = "大小新老上下中东西南北石松柳桃李杨马龙凤白黑青黄红花水平长高安和福兴丰永团"
VILL_B = "石坝寨河沟塘箐坡冲田庄营铺山岭湾林哨甸桥井厂"
ROADS = ["兴业", "建设", "人民", "团结", "和平", "环城", "滨河", "朝阳", "振兴", "民族",
         "文化", "新华", "富民", "育才", "花园", "迎宾", "康宁", "青年", "龙泉", "翠湖"]
CROPS = ["烤烟", "核桃", "花椒", "茶叶", "生姜", "辣椒", "蔬菜", "软籽石榴", "猕猴桃", "魔芋",
         "中药材", "葡萄", "小黄姜", "蓝莓", "油菜"]
LIVESTOCK = ["生猪", "黄牛", "山羊", "肉鸡"]
GROUP_NUM = "一二三四五六七八九十"


def cn_num(n):
    if n <= 10:
        return GROUP_NUM[n - 1] if n else "零"
    if n < 20:
        return "十" + (GROUP_NUM[n - 11] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return GROUP_NUM[tens - 1] + "十" + (GROUP_NUM[ones - 1] if ones else "")


def cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------------------
# Handling units.  (id, name, kind, categories it leads on)

DEPARTMENTS = [
    ("jiaotong", "县交通运输局", "县直部门", ["交通出行"]),
    ("shuiwu", "县水务局", "县直部门", ["饮水安全", "农田水利"]),
    ("jiaoyu", "县教育体育局", "县直部门", ["教育"]),
    ("weijian", "县卫生健康局", "县直部门", ["医疗卫生"]),
    ("yibao", "县医疗保障局", "县直部门", ["医疗卫生", "社会保障"]),
    ("renshe", "县人力资源和社会保障局", "县直部门", ["社会保障"]),
    ("minzheng", "县民政局", "县直部门", ["社会保障", "社会治理"]),
    ("nongye", "县农业农村局", "县直部门", ["产业发展", "农田水利", "村镇建设"]),
    ("ziran", "县自然资源局", "县直部门", ["村镇建设", "生态环境"]),
    ("zhujian", "县住房和城乡建设局", "县直部门", ["村镇建设"]),
    ("huanjing", "市生态环境局云岭分局", "县直部门", ["生态环境"]),
    ("linye", "县林业和草原局", "县直部门", ["生态环境", "产业发展"]),
    ("gongan", "县公安局", "县直部门", ["社会治理", "交通出行"]),
    ("shijian", "县市场监督管理局", "县直部门", ["其他", "社会治理"]),
    ("wenlv", "县文化和旅游局", "县直部门", ["其他", "产业发展"]),
    ("yingji", "县应急管理局", "县直部门", ["社会治理"]),
    ("caizheng", "县财政局", "县直部门", []),
    ("gongdian", "云岭供电局", "企业", ["村镇建设", "其他"]),
    ("gongshui", "县城乡供水有限公司", "企业", ["饮水安全"]),
]
# Assisting units by category.
ASSIST = {
    "交通出行": ["caizheng", "gongan", "ziran"], "饮水安全": ["weijian", "caizheng"],
    "农田水利": ["nongye", "caizheng"], "教育": ["caizheng", "renshe"],
    "医疗卫生": ["yibao", "renshe"], "社会保障": ["caizheng", "minzheng"],
    "产业发展": ["shijian", "caizheng"], "生态环境": ["nongye", "shuiwu"],
    "村镇建设": ["ziran", "caizheng"], "社会治理": ["minzheng", "yingji"],
    "其他": ["wenlv", "caizheng"],
}
UNIT_OFFICE = {
    "jiaotong": "农村公路管理所", "shuiwu": "农村水利水电股", "jiaoyu": "计划财务股",
    "weijian": "基层卫生股", "yibao": "待遇保障股", "renshe": "农民工工作股",
    "minzheng": "社会救助股", "nongye": "产业发展股", "ziran": "国土空间规划股",
    "zhujian": "村镇建设股", "huanjing": "生态环境综合执法大队", "linye": "森林防火办公室",
    "gongan": "交通管理大队", "shijian": "综合执法大队", "wenlv": "文化市场管理股",
    "yingji": "防灾减灾股", "caizheng": "农业农村股", "gongdian": "客户服务中心",
    "gongshui": "管网运维部",
}
SUPERVISORS = ["县人大常委会主任", "县人大常委会副主任", "县人民政府副县长",
               "县人大常委会农业农村工作委员会主任", "县人大常委会教科文卫工作委员会主任"]

# ---------------------------------------------------------------------------
# Suggestion texts.  Each issue: (title, problem, ask, topic).  Placeholders
# are filled from the per-case filler dict (see _fillers).

ISSUES = {
    "交通出行": [
        ("关于硬化{village}至{village2}道路的建议",
         "{village}至{village2}的通村道路全长约{km}公里，至今仍是土路，雨季泥泞难行，晴天尘土飞扬，群众出行和{crop}等农产品外运十分不便。",
         "建议将该路段纳入农村公路建设计划，尽快实施路面硬化，并配套修建边沟。",
         "{village}至{village2}道路硬化"),
        ("关于修复{road}破损路面的意见",
         "{road}从{village}路口到集镇段约{m}米路面坑洼不平，下雨后大面积积水，过往车辆只能绕行，电动车摔倒的情况时有发生。",
         "希望有关部门尽快组织修补，并疏通两侧排水沟。",
         "{road}路面修复"),
        ("关于在{school}门口增设交通安全设施的建议",
         "{school}大门紧邻{road}，上下学时段车流量大，路口没有减速带和人行横道，学生横穿马路十分危险。",
         "建议增设减速带、警示标志和人行横道，上下学时段安排人员疏导交通。",
         "{school}周边交通安全"),
        ("关于增开{town}至县城客运班次的建议",
         "目前{town}至县城每天只有{n_small}趟客运班车，赶集日和节假日乘客多，经常坐不上车，老人和学生等车时间很长。",
         "建议增加班次，条件成熟时开通城乡公交。",
         "{town}客运班次"),
        ("关于改造{bridge}的建议",
         "{bridge}建成已有四十多年，桥面开裂、护栏缺失，每逢汛期河水上涨，群众过桥提心吊胆。",
         "建议尽快组织安全鉴定，列入危桥改造计划。",
         "{bridge}改造"),
        ("关于拓宽{village}进村道路弯道的建议",
         "{village}进村道路在{group}附近有一处急弯，路面只有{width}米宽，两车交会困难，去年以来已发生多起剐蹭。",
         "建议对弯道进行拓宽，加装防护栏和凸面镜。",
         "{village}进村道路弯道拓宽"),
    ],
    "饮水安全": [
        ("关于解决{village}{group}饮水困难的建议",
         "{village}{group}共有{hh}户，每年三月到五月旱季自来水经常断水，群众只能到{m}米外的老井挑水，老人和留守儿童取水尤其困难。",
         "建议新建蓄水池，更换主管道，保障旱季供水。",
         "{village}{group}饮水困难"),
        ("关于更换{village}老化供水管网的意见",
         "{village}供水管道铺设于{old_year}年，多处老化破损，跑冒滴漏严重，地势高的农户水压不足，经常只有半夜才有水。",
         "希望对老旧管网进行改造，并加装减压和计量设施。",
         "{village}供水管网改造"),
        ("关于{village}自来水浑浊问题的意见",
         "每逢下雨，{village}的自来水就发黄浑浊，放一会儿底下有泥沙，群众担心喝了对身体不好。",
         "建议加装沉淀过滤和消毒设施，定期检测水质并公开结果。",
         "{village}自来水水质"),
        ("关于保护{village}饮用水水源地的建议",
         "{village}饮用水水源点上游有养殖户放牧，还有人在附近堆放垃圾，水源存在被污染的风险。",
         "建议划定保护范围，设置围栏和警示牌，加强日常巡查。",
         "{village}水源地保护"),
        ("关于规范{town}集镇水费收取的意见",
         "{town}集镇部分住户反映水表长期不抄、按估算收费，水费收取标准和用途不够公开。",
         "建议规范抄表收费，公开收费标准，为居民更换智能水表。",
         "{town}集镇水费收取"),
    ],
    "农田水利": [
        ("关于修复{canal}渗漏问题的建议",
         "{canal}全长约{km}公里，多处渠段渗漏垮塌，下游{mu}亩农田栽插季节用水得不到保障，群众只能轮流守水。",
         "建议对渗漏渠段进行防渗改造，清理淤积。",
         "{canal}防渗改造"),
        ("关于在{village}新建小水窖的建议",
         "{village}大部分耕地在半山坡，没有灌溉水源，种植{crop}基本靠天吃饭，遇到干旱年份减产严重。",
         "建议按户或联户建设小水窖，配套安装引水管。",
         "{village}小水窖建设"),
        ("关于清淤{reservoir}的建议",
         "{reservoir}多年没有清淤，库容明显减少，坝体有渗水现象，下游{hh}户群众既担心灌溉用水，又担心汛期安全。",
         "建议组织清淤除险，加固坝体，完善放水设施。",
         "{reservoir}清淤除险"),
        ("关于加强{village}高标准农田设施管护的意见",
         "{village}高标准农田建成后，部分机耕路被雨水冲毁，灌溉管道阀门损坏无人维修，设施作用没有充分发挥。",
         "建议明确管护主体，落实管护经费，及时维修损坏设施。",
         "{village}高标准农田管护"),
        ("关于解决{village}抗旱提水用电的建议",
         "{village}抗旱提水泵站的变压器容量小，几台水泵同时开机就跳闸，春耕用水时节群众意见较大。",
         "建议对泵站供电线路和变压器进行增容改造。",
         "{village}抗旱提水用电"),
    ],
    "教育": [
        ("关于改善{school}办学条件的建议",
         "{school}现有学生{students}名，教学楼建于上世纪九十年代，运动场还是土场，图书室藏书少，缺少多媒体教学设备。",
         "建议加大投入，改造运动场，补充图书和教学设备。",
         "{school}办学条件改善"),
        ("关于解决{school}教师短缺问题的建议",
         "{school}英语、音乐、体育等学科专任教师不足，一名教师要跨年级上几门课，部分课程只能由其他学科教师兼任。",
         "建议通过招聘、交流轮岗等方式补充教师。",
         "{school}师资补充"),
        ("关于增加{town}公办幼儿园学位的建议",
         "{town}中心幼儿园只有{n_small}个班，每年报名的孩子远多于学位，不少家长只能把孩子送到县城或民办园，负担较重。",
         "建议扩建中心幼儿园，在人口较多的村开设幼儿班。",
         "{town}公办幼儿园学位"),
        ("关于解决{village}学生上学交通问题的建议",
         "{village}距{school}约{km}公里，山路崎岖，学生每天步行上下学时间长，雨天路滑更不安全，家长接送也很困难。",
         "建议开通学生专用接送车，或在学校增加寄宿床位。",
         "{village}学生上学交通"),
        ("关于提升{school}食堂管理水平的意见",
         "部分家长反映{school}食堂饭菜品种单一，餐具消毒不够及时，营养改善计划的落实情况家长不太了解。",
         "建议加强食堂管理，定期公示食谱和资金使用情况，邀请家长参与监督。",
         "{school}食堂管理"),
    ],
    "医疗卫生": [
        ("关于为{clinic}补充乡村医生的建议",
         "{clinic}原来的村医去年退休后一直没有补充，群众看个小病、量个血压都要跑到{km}公里外的镇卫生院。",
         "建议尽快补充乡村医生，或安排镇卫生院医生定期驻村坐诊。",
         "{clinic}乡村医生补充"),
        ("关于{town}卫生院开设夜间急诊的建议",
         "{town}卫生院晚上只有一名值班人员，群众夜间突发疾病只能等县里的救护车，路上要一个多小时。",
         "建议卫生院开设夜间急诊，配齐值班医护人员和急救设备。",
         "{town}卫生院夜间急诊"),
        ("关于提高{village}家庭医生签约服务质量的意见",
         "{village}不少慢性病群众签了家庭医生，但一年只随访一两次，药品种类也少，签约服务感受不明显。",
         "建议增加随访次数，配齐常用慢性病药品，为行动不便的老人提供上门服务。",
         "{village}家庭医生签约服务"),
        ("关于改善{clinic}业务用房的建议",
         "{clinic}设在租用的民房里，面积只有二十多平方米，诊室、药房、观察室挤在一起，没有独立的卫生间。",
         "建议新建或改造村卫生室，达到标准化建设要求。",
         "{clinic}业务用房"),
        ("关于为{town}卫生院配置检查设备的建议",
         "{town}卫生院没有彩超和数字化X光机，群众做个检查都要到县医院排队，来回路费和误工成本较高。",
         "建议为卫生院配置常用检查设备，开展远程影像诊断。",
         "{town}卫生院检查设备"),
    ],
    "社会保障": [
        ("关于按时发放{village}高龄津贴的意见",
         "{village}部分八十岁以上老人反映，高龄津贴有几个月没有按时到账，也不清楚发放标准和查询方式。",
         "建议核查发放情况，按时足额发放，并在村务公开栏公示。",
         "{village}高龄津贴发放"),
        ("关于在{village}建设老年日间照料中心的建议",
         "{village}六十岁以上老人有{people}人，子女大多外出务工，老人白天无人照看，吃饭和看病都不方便。",
         "建议利用闲置村小校舍建设日间照料中心，提供助餐和文体活动服务。",
         "{village}老年日间照料中心"),
        ("关于做好{village}城乡居民医保缴费服务的建议",
         "{village}外出务工群众较多，不少人不清楚医保缴费时间和方式，导致断缴，生病住院时无法报销。",
         "建议提前做好缴费提醒，推广线上缴费，村组干部上门帮助老人办理。",
         "{village}城乡居民医保缴费服务"),
        ("关于公开{village}低保评定过程的意见",
         "{village}部分群众对个别家庭纳入低保有疑问，认为评定过程不够公开，希望了解评定标准和程序。",
         "建议严格执行民主评议和公示制度，接受群众监督。",
         "{village}低保评定公开"),
        ("关于帮助{village}群众追讨务工工资的意见",
         "{village}有{n_small}名群众在外地工地务工，工程结束后仍有约{amount_small}万元工资没有结清，多次讨要无果。",
         "请求有关部门帮助协调，依法维护农民工的合法权益。",
         "{village}群众务工工资追讨"),
    ],
    "产业发展": [
        ("关于扶持{village}{crop}产业发展的建议",
         "{village}种植{crop}约{mu}亩，是群众增收的主要来源，但缺少技术指导和稳定的销售渠道，价格波动大，群众种植积极性受影响。",
         "建议加强技术培训，引进龙头企业或合作社开展订单收购。",
         "{village}{crop}产业发展"),
        ("关于在{town}建设农产品冷链仓储设施的建议",
         "{town}{crop}上市集中，缺少冷藏保鲜设施，收购商趁机压价，每年都有部分产品来不及销售而烂在地里。",
         "建议建设产地冷库，支持合作社发展冷链物流。",
         "{town}农产品冷链仓储"),
        ("关于修建{village}产业路的建议",
         "{village}{crop}基地没有机耕路，肥料和农产品全靠人背马驮，生产成本高，也制约了规模扩大。",
         "建议修建产业路，方便农用车辆通行。",
         "{village}产业路建设"),
        ("关于加强{crop}病虫害防治服务的建议",
         "近两年{village}一带{crop}病虫害多发，群众用药凭经验，效果不好还增加了成本。",
         "建议农技部门开展统防统治和现场指导，发布病虫害预警信息。",
         "{crop}病虫害防治"),
        ("关于发展{village}乡村旅游的建议",
         "{village}有保存较好的传统村落和连片梯田，周末来拍照游玩的游客逐年增多，但停车、如厕、餐饮等配套设施跟不上。",
         "建议编制乡村旅游规划，完善配套设施，引导群众发展民宿和农家乐。",
         "{village}乡村旅游"),
        ("关于壮大{village}村集体经济的建议",
         "{village}村集体经济收入主要靠少量租金，每年不足{amount_small}万元，办公益事业缺钱。",
         "建议支持村集体盘活闲置资产，发展{livestock}养殖或{crop}加工项目。",
         "{village}村集体经济"),
    ],
    "生态环境": [
        ("关于治理{river}水体污染的建议",
         "{river}流经{village}段沿岸有生活污水直排和{livestock}养殖废水排放，夏季河水发黑发臭，影响群众生活。",
         "建议建设污水收集处理设施，加强养殖污染执法检查。",
         "{river}水体污染治理"),
        ("关于及时清运{village}生活垃圾的意见",
         "{village}垃圾收集池经常满了也没人清运，垃圾散落在路边，天热时气味很大，还招来很多蚊蝇。",
         "建议增加清运频次，配置分类垃圾桶，落实保洁员责任。",
         "{village}生活垃圾清运"),
        ("关于整治{village}附近采石场扬尘噪音的意见",
         "{village}附近的采石场每天从早到晚放炮、破碎，扬尘大、噪音大，运输车辆还损坏了村道。",
         "建议依法督促企业落实降尘降噪措施，限定作业时间。",
         "{village}采石场扬尘噪音"),
        ("关于加强{village}森林防火工作的建议",
         "{village}周边林地面积大，每年春季上坟烧纸、烧田埂的情况较多，防火隔离带和取水点不足，一旦起火很难扑救。",
         "建议加强防火宣传和巡护，完善防火设施。",
         "{village}森林防火"),
        ("关于规范{village}畜禽粪污处理的建议",
         "{village}{livestock}养殖户逐年增多，粪污随意堆放，下雨后流入沟渠和农田，群众意见较大。",
         "建议推广粪污资源化利用，建设集中处理设施。",
         "{village}畜禽粪污处理"),
    ],
    "村镇建设": [
        ("关于改善{village}人居环境的建议",
         "{village}村内巷道大多是土路，排水沟不畅，下雨时污水横流，与周边已经完成提升改造的村子差距较大。",
         "建议将{village}纳入人居环境提升项目，硬化巷道，修建排水沟。",
         "{village}人居环境提升"),
        ("关于加快{village}农村危房改造的意见",
         "{village}{group}还有几户土坯房墙体开裂，雨季存在安全隐患，住户自身改造能力不足。",
         "建议开展危房鉴定，符合条件的纳入改造计划。",
         "{village}农村危房改造"),
        ("关于改造{town}农贸市场的建议",
         "{town}农贸市场棚顶破损漏雨，地面坑洼积水，赶集日摊位不够，很多商贩只能在路边摆摊。",
         "建议对市场进行改造扩建，规范摊位管理。",
         "{town}农贸市场改造"),
        ("关于在{village}修建公共厕所的建议",
         "{village}是周边几个村赶集、办事的必经之地，人流量大，但没有公共厕所，很不方便。",
         "建议在村委会附近修建一座水冲式公共厕所，落实日常保洁。",
         "{village}公共厕所建设"),
        ("关于实施{village}电网改造的建议",
         "{village}用电高峰时电压不稳，电器经常无法正常使用，变压器有时跳闸，影响群众生活和{crop}加工。",
         "建议对村内低压线路和变压器进行改造增容。",
         "{village}电网改造"),
        ("关于在{village}安装路灯的建议",
         "{village}村内主干道和{group}连接路没有路灯，晚上群众出行看不清路，老人和学生摔倒的情况时有发生。",
         "建议安装太阳能路灯，方便群众夜间出行。",
         "{village}路灯安装"),
    ],
    "社会治理": [
        ("关于加强{town}赶集日交通秩序管理的建议",
         "{town}每逢赶集日车辆乱停乱放、摊位占道，主街经常堵塞，救护车、消防车都难以通行。",
         "建议划定临时停车区，加强赶集日交通疏导和占道经营整治。",
         "{town}赶集日交通秩序"),
        ("关于调处{village}与{village2}林地界线纠纷的意见",
         "{village}与{village2}之间有一片林地界线多年不清，双方群众多次发生争执，矛盾有激化的苗头。",
         "请求有关部门依法勘界，组织双方协商调处。",
         "{village}与{village2}林地界线纠纷"),
        ("关于在{village}安装公共视频监控的建议",
         "近期{village}多次发生农具、摩托车被盗的情况，村里主要路口没有监控，案件很难查清。",
         "建议在主要路口和公共场所安装视频监控，加强夜间巡逻。",
         "{village}公共视频监控"),
        ("关于在{town}加强防范电信网络诈骗宣传的建议",
         "近来{town}有几名群众接到冒充客服、冒充熟人的诈骗电话，其中一人被骗{amount_small}万元，老年人防范意识尤其薄弱。",
         "建议深入村组开展反诈宣传，及时发布典型案例。",
         "{town}防范电信网络诈骗宣传"),
        ("关于{town}便民服务中心延时服务的建议",
         "{town}便民服务中心工作时间与群众务农时间冲突，外出务工人员回乡时办事也常常赶上休息日。",
         "建议推行午间和周末延时服务，推广网上办理。",
         "{town}便民服务中心延时服务"),
        ("关于治理{village}地质灾害隐患点的建议",
         "{village}{group}后山有一处滑坡隐患点，每年雨季都有落石，坡下住着{hh}户群众。",
         "建议开展勘查治理，必要时实施搬迁避让。",
         "{village}地质灾害隐患治理"),
    ],
    "其他": [
        ("关于在{village}建设文化活动广场的建议",
         "{village}群众文化生活需求越来越多，每到傍晚大家想跳跳舞、打打球，却没有一块像样的场地。",
         "建议利用村委会旁边的空地建设文化活动广场，配备健身器材。",
         "{village}文化活动广场"),
        ("关于在{town}增设银行自助设备的建议",
         "{town}只有一家银行网点，赶集日办理业务要排很长的队，部分村民存取款很不方便。",
         "建议增设自助设备，在较大的村设立助农取款服务点。",
         "{town}银行自助设备"),
        ("关于推动快递进{village}的建议",
         "{village}的快递只能送到镇上，群众取件要跑十几公里，网上卖{crop}发货也很不方便。",
         "建议建设村级快递服务站，整合邮政和快递企业资源。",
         "快递进{village}"),
        ("关于保护{village}古树的建议",
         "{village}村口有几棵树龄上百年的古树，近年来树干出现空洞，周边还有人堆放杂物、焚烧垃圾。",
         "建议挂牌保护，开展复壮救护，清理周边杂物。",
         "{village}古树保护"),
        ("关于及时更新{town}政务公开栏的意见",
         "{town}政务公开栏内容长期没有更新，有的还是两年前的通知，群众想了解政策找不到地方看。",
         "建议定期更新公开栏内容，同步在网上公开。",
         "{town}政务公开"),
    ],
}

# Per-category reply material.
BACKGROUND = {
    "交通出行": [
        "经现场核实，您反映的问题涉及周边{hh}户群众的日常出行，出行难和通行安全问题确实比较突出。",
        "我局组织技术人员到现场进行了踏勘，听取了沿线群众和村组干部的意见，对问题成因进行了分析。",
        "近年来，我县农村公路里程不断增加，但受资金、地形等因素制约，部分村组道路的建设和养护标准仍然偏低。",
    ],
    "饮水安全": [
        "经现场核实，{village}现有集中供水工程一处，设计供水人口约{people}人，由于管网老化和水源来水量季节性减少，旱季供水保障能力不足。",
        "我局会同{town}人民政府对供水工程进行了全面排查，发现水源点出水量较往年明显下降，部分入户管道存在破损漏水。",
        "农村饮水安全关系群众身体健康，我县已将农村供水保障作为民生实事持续推进。",
    ],
    "农田水利": [
        "经现场查看，相关水利设施建成时间较早，经过多年运行，老化、渗漏、淤积等问题较为突出。",
        "我局技术人员对相关水利设施进行了实地测量，初步测算受益农田约{mu}亩，涉及{hh}户群众。",
        "近年来，我县持续推进小型农田水利设施建设，但点多面广，部分早期建成的工程存在年久失修的情况。",
    ],
    "教育": [
        "经核实，{school}现有教学班{n_small}个，在校学生{students}名，教职工数量和部分功能室配置与标准化建设要求相比还有差距。",
        "我局会同{town}中心学校到{school}进行了实地调研，听取了教师和家长代表的意见。",
        "近年来，我县坚持把教育作为最大的民生工程，逐年加大农村学校投入，但城乡之间、校际之间办学条件仍不平衡。",
    ],
    "医疗卫生": [
        "经核实，{town}卫生院现有在岗医务人员{n_staff}名，服务人口约{people}人，人员和设备配置与群众就医需求相比确有不足。",
        "我委组织基层卫生股和{town}卫生院负责人进行了实地调研，对村卫生室的运行情况进行了逐一排查。",
        "乡村两级医疗卫生服务是群众看病就医的第一道关口，我县近年来持续推进基层医疗卫生机构标准化建设。",
    ],
    "社会保障": [
        "经核实，您反映的情况涉及{village}{n_small}户群众，我局已会同{town}人民政府进行了逐户核查。",
        "我们调取了相关业务数据，并到{village}村委会查阅了公示资料和评议记录，对有关情况进行了核实。",
        "保障和改善民生是我们工作的出发点和落脚点，对群众反映的社会保障方面问题，我局坚持件件有回音、事事有着落。",
    ],
    "产业发展": [
        "经调研，{village}{crop}种植面积约{mu}亩，年产值约{amount}万元，已成为当地群众增收的重要产业，但在技术、加工、销售等环节仍存在短板。",
        "我局组织产业发展股、农业技术推广中心有关人员到{village}开展了专题调研，与种植户和合作社负责人进行了座谈。",
        "近年来，我县立足资源禀赋，大力发展{crop}等特色产业，产业规模不断扩大，但产业链条短、抗风险能力弱的问题仍较突出。",
    ],
    "生态环境": [
        "收到交办件后，我局执法人员第一时间到现场进行了调查，您反映的情况基本属实。",
        "经现场检查和采样监测，相关点位存在污染物排放不规范、环境管理台账不健全等问题。",
        "良好生态环境是最普惠的民生福祉，我局始终坚持以群众反映强烈的突出环境问题为重点开展整治。",
    ],
    "村镇建设": [
        "经现场核实，{village}现有农户{hh}户，村内基础设施建设起步较晚，与群众对美好生活的期盼相比还有差距。",
        "我局会同{town}人民政府、{village}村委会对有关情况进行了实地查看，逐项梳理了存在的问题。",
        "近年来，我县统筹推进乡村建设行动，分批实施了一批村庄基础设施和公共服务项目。",
    ],
    "社会治理": [
        "收到交办件后，我们立即组织有关人员到{village}进行了走访，了解了事情的来龙去脉，听取了双方群众的意见。",
        "经调查，您反映的问题确实存在，给群众生产生活带来了不便，也存在一定的安全隐患。",
        "基层治理关系群众切身利益和社会和谐稳定，我们始终把群众反映的矛盾问题作为工作的重点。",
    ],
    "其他": [
        "经调查核实，您反映的情况属实，我们对相关问题进行了认真梳理和研究。",
        "收到交办件后，我单位组织有关股室负责人到{village}进行了实地查看，并听取了村组干部和群众的意见。",
        "您提出的意见建议贴近群众需求，具有较强的针对性和可操作性。",
    ],
}
# MEASURES[category][i] is what was done about ISSUES[category][i].
MEASURES = {
    "交通出行": [
        "经测算，该路段硬化需投资约{amount}万元，建设内容包括路基整修、{width}米宽水泥混凝土路面及边沟、涵洞等配套设施，我们已会同{town}人民政府研究制定了实施方案。",
        "我局已安排农村公路管理所对{road}破损路段进行修补，疏通了两侧排水沟，并设置了临时警示标志，确保群众通行安全。",
        "公安交管部门已在{school}周边路段增设减速带{n_small}处、警示标志{n_small}块，施划了人行横道，上下学时段安排警力和护学岗疏导交通。",
        "我局协调客运企业调整了运行计划，在赶集日和节假日增开{town}至县城班次，并在沿线村增设了招呼站。",
        "桥梁检测单位已完成{bridge}安全技术状况评定，我们在桥头设置了限载标志，并将其报请列入危桥改造项目库。",
        "我们对弯道路段进行了实地测量，制定了拓宽方案，计划将路面拓宽至{width}米，并加装波形护栏和凸面镜。",
    ],
    "饮水安全": [
        "针对旱季缺水问题，我们采取了临时送水和错峰供水措施，并在{village}新建了一座容积{tank}立方米的蓄水池，更换主管道约{m}米。",
        "我局已安排工程技术人员对{village}供水管网进行了全面检修，更换老化管道约{m}米、阀门{n_small}个，并加装了减压设施。",
        "县疾控中心已对{village}水源水和末梢水进行了采样检测，我们为供水工程加装了沉淀过滤和消毒设备，今后将按季度检测并公示结果。",
        "{town}人民政府已在水源地周边设置了保护标志和防护围栏，明确了巡查责任人，禁止在保护范围内放牧和堆放垃圾。",
        "供水公司对集镇用户水表进行了全面核查，统一了抄表周期，收费标准已在营业厅和村务公开栏公示，并分批更换智能水表。",
    ],
    "农田水利": [
        "我局已将{canal}防渗改造纳入小型农田水利工程建设计划，计划改造渠道{km}公里，新建分水闸{n_small}座；工程实施前组织群众对垮塌渠段进行了临时修复。",
        "经测算，{village}小水窖建设需投资约{amount}万元，我们按照先急后缓的原则分批实施，优先解决地势较高、缺水严重的农户。",
        "我局会同{town}人民政府对{reservoir}开展了安全鉴定，制定了清淤和除险加固方案，并落实了汛期巡查责任人和应急预案。",
        "我们指导{village}成立了用水合作组织，制定了管护制度，明确了管护责任人和经费来源，对损坏的机耕路和阀门进行了维修。",
        "供电部门已对泵站供电线路进行了检查，更换了老化设备，并制定了变压器增容改造计划。",
    ],
    "教育": [
        "我局已将{school}运动场改造纳入年度薄弱环节改善项目，计划投资{amount}万元，并为学校补充图书{books}册、多媒体教学设备{n_small}套。",
        "在今年的教师招聘和交流轮岗中，我局向{school}补充了英语、体育等学科教师{n_small}名，并安排中心学校音乐、美术教师走教。",
        "{town}中心幼儿园扩建项目已完成选址和方案设计，建成后可新增学位{places}个，同时在人口较多的村开设了幼儿班。",
        "我们会同交通运输部门开通了学生专用接送车，同时在{school}增加了寄宿床位，解决了远距离学生上学难的问题。",
        "我局对全县学校食堂开展了专项检查，督促{school}完善了食品留样、餐具消毒等制度，每周公示食谱，并成立了家长膳食委员会。",
    ],
    "医疗卫生": [
        "我委已从{town}卫生院选派一名执业医师每周{n_small}天到{clinic}坐诊，同时通过定向培养方式为该村储备乡村医生。",
        "{town}卫生院已调整排班，开设夜间急诊，安排医生、护士各一名值班，并配备了急救药品和设备。",
        "我们组织家庭医生团队对{village}签约群众开展了集中随访，为行动不便的老人提供上门服务，并补充了常用慢性病药品。",
        "{clinic}标准化建设项目已纳入年度计划，计划投资{amount}万元，新建业务用房约{area}平方米。",
        "县人民医院已与{town}卫生院建立远程影像诊断协作，我们正在为卫生院配置彩超等常用检查设备。",
    ],
    "社会保障": [
        "经核查，部分老人津贴未按时到账是因为银行账户信息变更，现已全部补发到位，共补发资金{amount_small}万元。",
        "我们已将{village}老年日间照料中心纳入年度建设计划，利用闲置校舍改造，计划投资{amount}万元。",
        "我局会同税务部门和{town}人民政府开展了医保缴费集中宣传，组织村组干部逐户提醒，并指导群众通过手机缴费。",
        "{town}人民政府已组织{village}重新召开了民主评议会议，对评定结果进行了公示，公示期间未收到异议。",
        "劳动保障监察大队已对相关工程项目进行了调查，责令施工单位限期支付拖欠工资，目前已为{n_small}名群众追回工资{amount_small}万元。",
    ],
    "产业发展": [
        "我局组织农技人员到{village}开展了{crop}种植技术培训{n_small}期，并协调县内龙头企业与合作社签订了收购协议，帮助群众稳定销售渠道。",
        "{town}农产品冷链仓储项目已纳入年度产业项目库，计划建设冷库{tank}立方米，项目资金{amount}万元。",
        "{village}产业路建设项目已完成勘测设计，计划修建机耕路{km}公里，将结合高标准农田建设项目一并实施。",
        "我们在{village}设立了病虫害监测点，开展统防统治，发放防治物资，指导群众科学用药。",
        "文旅部门已将{village}纳入乡村旅游重点村培育名单，启动了乡村旅游规划编制工作。",
        "我们指导{village}清理盘活了闲置资产，并将{livestock}养殖项目列入村集体经济扶持计划。",
    ],
    "生态环境": [
        "{town}人民政府已在{river}沿岸建设污水收集管网{km}公里，将沿岸生活污水接入污水处理设施，对养殖废水直排行为依法立案查处。",
        "我们协调{town}人民政府增加了垃圾清运车辆，将{village}的清运频次由每周一次调整为每周三次，并配置了分类垃圾桶。",
        "我局督促采石场安装了喷淋降尘设施，限定了每天的作业时间，运输车辆一律加盖篷布并定时清扫道路。",
        "林草部门在{village}周边增设了防火宣传牌和检查站，组建了{n_small}支半专业扑火队，清理了防火隔离带。",
        "我们指导{livestock}养殖户建设了粪污贮存设施，推广“种养结合”模式，实现粪污资源化利用。",
    ],
    "村镇建设": [
        "我们已将{village}纳入人居环境整治提升项目，计划硬化巷道{m}米、新建排水沟{m2}米，项目投资约{amount}万元。",
        "住建部门已组织技术人员对{village}{group}的房屋进行了安全鉴定，符合条件的{n_small}户已纳入农村危房改造计划。",
        "{town}农贸市场改造项目已完成初步设计，将新增摊位约{stalls}个，并规划了临时停车区。",
        "{village}公共厕所已完成选址，按照三类以上标准建设，建成后由村保洁员负责日常管理。",
        "供电部门已对{village}低压线路进行了改造，新增变压器{n_small}台，线路末端电压已恢复正常。",
        "我们在{village}主干道安装了太阳能路灯{lamps}盏，后续将结合村庄规划逐步延伸到各村民小组。",
    ],
    "社会治理": [
        "我们在{town}集镇划定了临时停车区{n_small}处，赶集日安排交警、城管和志愿者联合疏导交通，占道经营现象明显减少。",
        "{town}人民政府组织自然资源、林草等部门对争议地块进行了现场勘界，召集双方群众代表协商，初步达成了调处意见。",
        "公安机关已在{village}主要路口安装视频监控{n_small}个，并纳入镇级监控平台统一管理，加强了夜间巡逻。",
        "我们组织民警和网格员深入村组开展反诈宣传{n_small}场，向群众讲解常见诈骗手法，发放宣传资料。",
        "{town}便民服务中心已实行午间轮班和周末预约服务，常用事项可通过手机在线办理。",
        "自然资源部门已对隐患点进行了勘查，设置了监测设施和警示标志，落实了群测群防责任人。",
    ],
    "其他": [
        "{village}文化活动广场已列入年度村级公益事业建设项目，计划投资{amount}万元，配备健身器材和照明设施。",
        "我们协调金融机构在{town}增设了自助设备，并在{village}设立了助农取款服务点。",
        "邮政部门已在{village}村委会设立了村级快递服务站，实现了快递包裹进村。",
        "林草部门已对{village}古树进行了挂牌保护，开展了复壮救护，清理了周边杂物。",
        "{town}人民政府已对政务公开栏进行了全面更新，建立了专人负责、定期更新的工作机制。",
    ],
}
# Steps any handling unit takes, whatever the issue.  Items 4 and 5 promise
# money or a place in the plan, which a class D reply does not.
GENERIC_COMMITMENTS = (4, 6)
GENERIC_MEASURES = [
    "收到交办件后，我们成立了由分管负责人任组长的办理工作专班，制定了办理方案，明确了责任股室和完成时限。",
    "办理过程中，我们{n_small}次到{village}实地查看，召开群众座谈会听取意见，力求办理措施符合群众实际需求。",
    "我们会同{assist}、{town}人民政府召开了协调会，对涉及的资金、用地和建设管理等问题逐项进行了研究。",
    "针对{topic}问题，我们建立了工作台账，实行销号管理，每半月调度一次办理进展。",
    "经测算，彻底解决{topic}问题共需资金约{amount}万元，我们已积极向上级部门争取项目资金支持。",
    "我们将{topic}纳入了年度重点工作，与其他民生项目统筹推进。",  # (promises: not for D)
    "在办理过程中，我们坚持公开透明，办理方案在{village}村务公开栏进行了公示，接受群众监督。",
    "我们还对全县同类问题进行了摸底排查，共梳理出需要解决的问题{n_staff}个，建立了问题清单。",
    "我们邀请提出人和部分群众代表参加了办理方案讨论，充分吸收了大家的意见。",
]
OPEN_CITIZEN = [
    "{salute}您好！您反映的关于{topic}的意见已收悉。{unit}高度重视，第一时间安排专人进行了调查核实，现将办理情况答复如下。",
    "{salute}您好！感谢您对{town}经济社会发展的关心和支持。您通过{channel}提出的关于{topic}的意见，由我单位负责办理。经认真研究，现答复如下。",
    "{salute}您好！您提出的关于{topic}的意见已交由我单位办理。收到交办件后，我们立即召开专题会议研究，并会同{town}人民政府到现场查看。现将有关情况答复如下。",
    "{salute}您好！关于您反映的{topic}问题，{unit}收到交办件后进行了认真研究，现将办理情况报告如下。",
]
OPEN_DEPUTY = [
    "尊敬的{lead_name}代表：您领衔提出的关于{topic}的建议收悉。该建议反映了群众的迫切需求，对做好相关工作具有重要参考价值。我单位将其列为重点办理件，由主要负责人牵头、分管负责人具体负责，现将办理情况答复如下。",
    "尊敬的{lead_name}代表：您提出的关于{topic}的建议已由县人大常委会交我单位办理。收到建议后，我们及时召开会议研究办理措施，多次与您沟通交流，并到{village}实地调研。现答复如下。",
    "尊敬的{lead_name}代表：首先感谢您对{topic}工作的关心和支持。您提出的建议我们高度重视，经认真研究，现将办理情况答复如下。",
]
FACE = [
    "{meet}，我单位负责人与您进行了面对面沟通，详细通报了办理进展，听取了您的意见。",
    "答复前，我们于{meet}与您当面交流了办理方案，对您提出的意见进行了吸收完善。",
]
RESULT = {
    "A": [
        "目前，{topic}相关工作已全部完成，并于{done}通过验收，{benefit}。",
        "经过各方共同努力，您反映的问题已于{done}基本解决，{benefit}。我们将持续做好后续管护工作，巩固办理成效。",
        "截至{done}，相关整改措施已全部落实到位，{benefit}。",
    ],
    "B": [
        "目前，该项目正在加紧实施，已完成工程量的{pct}%，预计{finish}前全面完成。",
        "目前相关工作正在有序推进，已完成前期勘测和方案设计，正在进行施工，计划于{finish}前完成。",
        "该问题已进入解决程序，资金已落实{amount_small}万元，我们将倒排工期、挂图作战，力争{finish}前解决到位。",
    ],
    "C": [
        "经研究，已将该项目列入{next_year}年度实施计划，待资金落实后按程序组织实施。",
        "由于该项目投资较大，需要争取上级资金支持，我们已将其纳入项目储备库，计划在{next_year}年逐步解决。",
        "考虑到全县同类项目较多，我们将按照轻重缓急的原则统筹安排，已将您提出的建议列入{next_year}年工作计划。",
    ],
    "D": [
        "经认真研究，{reason}，该问题目前暂不具备解决条件。我们已将您的建议留作今后工作的参考，待条件成熟时再统筹考虑。",
        "对于您提出的建议，我们进行了认真研究。{reason}，现阶段难以按您的意见实施，在此作出说明，恳请理解。",
    ],
}
REASONS = ["受地形地质条件和资金规模限制", "该事项涉及相关政策调整，需由上级部门统一部署",
           "按照现行政策规定，该事项不属于补助范围", "该区域已纳入规划调整范围，需待规划批准后统筹实施",
           "经技术论证，现有方案存在较大安全风险"]
BENEFIT = ["群众反映良好", "有效解决了周边群众的实际困难", "群众生产生活条件得到明显改善",
           "受益群众达{people}人", "群众的获得感进一步增强"]
NEXT = [
    "下一步，我们将继续加强与{town}人民政府的沟通协作，加强日常巡查和管护，防止类似问题反复出现。",
    "下一步，我们将举一反三，对全县同类问题开展排查，建立问题清单，逐项推动解决。",
    "下一步，我们将积极争取上级项目和资金支持，持续加大投入力度，不断改善群众生产生活条件。",
    "我们将把办理这件意见建议作为改进工作的契机，进一步完善工作机制，提高服务群众的能力和水平。",
    "我们将定期向您通报办理进展情况，欢迎您继续关心和监督我们的工作。",
]
CLOSE = [
    "再次感谢您对我们工作的关心和支持。如对办理结果有意见，可通过本平台进行评价，或到{unit}{office}当面反映。",
    "衷心感谢您对我们工作的理解和支持，欢迎继续提出宝贵意见。",
    "以上答复如有不妥，请提出宝贵意见。",
]
SECOND = [
    "{salute}针对您对首次答复提出的意见，我单位再次进行了认真研究。{second_date}，我单位分管负责人带队到{village}实地查看，与群众面对面沟通，进一步了解了具体诉求。",
    "{salute}收到您对首次答复的评价后，我们高度重视，重新梳理了办理过程中存在的不足，会同{assist}和{town}人民政府召开专题会议进行了研究。",
]
SECOND_MID = [
    "经研究，我们调整了原办理方案：一是加快推进{topic}相关工作，明确了完成时限和责任人；二是追加资金{amount_small}万元，优先解决群众最急需解决的问题；三是建立了定期通报机制，及时向您反馈办理进展。",
    "针对您提出的意见，我们逐项进行了回应：对首次答复中解释不够清楚的地方，已当面向您作了说明；对需要继续解决的问题，已制定了整改清单，明确了完成时限。",
    "目前，补充措施已落实到位：{measure_short}我们将持续跟踪，确保问题解决到位。",
]
SECOND_END = [
    "首次答复中对群众实际困难考虑不够周全，我们诚恳接受您的批评，今后将进一步改进工作作风，提高办理质量。",
    "感谢您对我们工作的监督，我们将以此为契机，切实把群众的事情办好。",
]
PROGRESS = [  # in the order a case goes through them
    "收到交办件，已明确{office}具体承办，落实专人负责",
    "会同{town}人民政府到{village}现场踏勘，核实反映情况",
    "与提出人沟通，进一步了解具体诉求",
    "召开专题会议研究办理方案",
    "组织有关单位召开协调会，明确各方责任",
    "协办单位{assist}反馈协办意见",
    "完成项目测算，初步估算投资约{amount}万元",
    "办理方案报分管负责人审定",
    "向上级主管部门报送项目资金申请",
    "施工单位进场，开始实施",
    "工程完成主体施工，正在进行收尾",
    "答复意见初稿形成，正在征求提出人意见",
]
PROGRESS_ASSIST = 5  # the note that needs an assisting unit
PROGRESS_WORKS = (9, 10)  # construction notes: only for works that get done
NO_WORKS = ("社会保障", "社会治理")
FOLLOWUP = {
    "A": ["回头看：实地查看，{topic}相关设施运行正常，群众反映良好",
          "回头看：走访周边群众{n_small}户，均表示问题已解决",
          "回头看：整改成效巩固，未发现问题反弹"],
    "B": ["回头看：项目仍在实施，已督促承办单位加快进度",
          "回头看：剩余工程量约{pct_rest}%，已明确完成时限",
          "回头看：工程已完工并投入使用，承诺事项已兑现"],
    "C": ["回头看：项目已列入年度计划，正在开展前期工作",
          "回头看：资金已落实，计划近期开工",
          "回头看：项目已开工建设，将继续跟踪"],
    "D": ["回头看：承办单位已向提出人当面作了解释说明",
          "回头看：相关政策已有调整，已督促承办单位重新研究"],
}
REJECT_REASONS = [
    "所反映事项已进入诉讼程序，依法应由人民法院处理，已告知提出人通过司法途径解决。",
    "所反映事项属于个人民事纠纷，不属于意见建议办理范围，已引导提出人通过人民调解解决。",
    "内容过于简略，无法确定所反映的具体问题，且提出人未留下可核实的信息。",
    "所反映事项属于其他地区管辖，已告知提出人向有管辖权的机关反映。",
    "所反映事项此前已作出处理并书面答复，提出人未提供新的事实和理由。",
]
OPINION_LEAD = [
    "", "", "我是{village}的村民，", "我们{village}{group}的群众想反映一个问题。",
    "赶集时听到很多群众议论这件事，",
]
OPINION_LEAD_RECEPTION = "在{station_name}接待选民活动中，群众反映："
OPINION_TAIL = [
    "", "", "希望领导重视，早日解决。", "这个问题反映过几次，希望这次能有个答复。",
    "群众对此意见较大，盼望尽快解决。", "以上意见，请予考虑。",
]
DEPUTY_BG = [
    "近年来，{town}经济社会发展较快，群众对{topic}的期盼越来越强烈。",
    "在闭会期间的走访调研中，代表们多次听到{village}等村群众反映{topic}方面的问题。",
    "{topic}事关群众切身利益，是代表联系选民时群众反映最集中的问题之一。",
]
DEPUTY_MORE = [
    "建议有关部门统筹资金，分年度实施，并将实施情况向群众公开。",
    "建议建立部门联动机制，明确责任分工，确保建议落到实处。",
    "建议在项目实施中充分听取群众意见，接受群众监督。",
    "建议将此项工作纳入年度民生实事，定期向县人大常委会报告进展。",
]
RECORD_TOPICS = ["道路硬化", "饮水管网", "灌溉沟渠", "农村低保", "医保缴费", "危房改造",
                 "路灯安装", "垃圾清运", "学生上学", "村卫生室", "产业扶持", "土地纠纷",
                 "高龄津贴", "电网改造", "快递进村", "就业培训", "防汛排涝", "集市秩序"]
THEMES = ["农村道路建设", "农村饮水安全", "农田水利设施", "乡村振兴与产业发展", "人居环境整治",
          "教育医疗民生", "社会保障政策宣传", "基层社会治理", "森林防火和防汛", "代表述职评议",
          "民法典宣传", "就业创业服务"]
EXCEPTION_REASONS = ["恰逢春节假期", "因防汛工作需要", "与镇人民代表大会会期冲突",
                     "因集市日期调整", "因道路施工", "因代表集中培训"]


# ---------------------------------------------------------------------------
# Small helpers


def _write(path, lines, body=""):
    """Header lines, a blank line, then the body; UTF-8, LF, one final newline.
    (os.open/os.write: a third of the cost of open() per small file.)"""
    text = "\n".join(lines) + "\n"
    if body:
        text += "\n" + body.rstrip("\n") + "\n"
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _dated(key, entries):
    """``key: first`` then continuation lines indented by four spaces."""
    out = [f"{key}: {entries[0]}"]
    out += [f"    {e}" for e in entries[1:]]
    return out


def _pick_names(rng, pool_a, pool_b, n, forbid=()):
    combos = [a + b for a in pool_a for b in pool_b if a != b]
    rng.shuffle(combos)
    result = [c for c in forbid]
    for c in combos:
        if len(result) >= n:
            break
        if c not in result:
            result.append(c)
    return result[:n]


def _person(rng):
    surname = rng.choice(SURNAMES)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def _unique_code(rng, seen):
    alphabet = tracking.ALPHABET
    while True:
        body = "".join(rng.choice(alphabet) for _ in range(tracking.RANDOM_LENGTH))
        raw = body + tracking.check_symbol(body)
        # Avoid long runs of digits (a PII guard could take them for a number).
        if sum(ch.isdigit() for ch in raw) >= 7:
            continue
        code = tracking.format_code(raw)
        if code not in seen:
            seen.add(code)
            return code


class _Fmt(dict):
    def __missing__(self, key):  # a template typo must not pass silently
        raise KeyError(f"fixture template uses unknown placeholder {{{key}}}")


# ---------------------------------------------------------------------------
# The world: towns, villages, stations, deputies, units


class _World:
    def __init__(self, scale, seed, today):
        self.scale, self.seed, self.today = scale, seed, today
        rng = random.Random(f"{seed}-world")
        town_names = _pick_names(rng, TOWN_A, TOWN_B, scale.towns, forbid=("青石",))
        self.towns = []
        for i, base in enumerate(town_names):
            suffix = "乡" if i % 5 == 3 else "镇"
            villages = _pick_names(rng, VILL_A, VILL_B, rng.randint(8, 12))
            self.towns.append({
                "name": base + suffix, "short": base,
                "villages": villages,
                "lat": round(rng.uniform(23.6, 25.4), 3),
                "lon": round(rng.uniform(102.6, 104.4), 3),
                "unit": f"town-{i + 1:02d}",
            })
        self._units(rng)
        self._stations(rng)
        self._deputies(rng)

    # -- units
    def _units(self, rng):
        self.units = []  # (id, name, kind, body)
        for uid, name, kind, _cats in DEPARTMENTS:
            self.units.append((uid, name, kind))
        for town in self.towns:
            self.units.append((town["unit"], f"{town['name']}人民政府", "镇属单位"))
        self.village_units = {}
        for i in range(self.scale.village_units):
            town = self.towns[i % len(self.towns)]
            village = town["villages"][(i // len(self.towns)) % len(town["villages"])] + "村"
            uid = f"vc-{i + 1:03d}"
            self.units.append((uid, f"{town['name']}{village}村民委员会", "村委会"))
            self.village_units[(town["name"], village)] = uid
        self.lead_units = {c: [d[0] for d in DEPARTMENTS if c in d[3]] for c in CATEGORIES}

    # -- stations
    def _stations(self, rng):
        n = self.scale.stations
        self.stations = []
        per_town = [[] for _ in self.towns]
        for i in range(n):
            t = i % len(self.towns)
            per_town[t].append(i)
        for t, idxs in enumerate(per_town):
            town = self.towns[t]
            for k, i in enumerate(idxs):
                if k == 0:
                    name, kind, village = f"{town['name']}人大代表之家", "代表之家", f"{town['short']}社区"
                    short = f"{town['short']}代表之家"
                else:
                    village = town["villages"][(k - 1) % len(town["villages"])] + "村"
                    suffix = "" if k <= len(town["villages"]) else cn_num(k // len(town["villages"]) + 1)
                    name = f"{town['name']}{village}{suffix}人大代表联络站"
                    kind, short = "代表联络站", f"{village}{suffix}联络站"
                self.stations.append({
                    "id": f"s-{i + 1:03d}", "name": name, "short": short, "kind": kind,
                    "town": t, "village": village, "group_no": k + 1, "deputies": [],
                })
        self.stations.sort(key=lambda st: st["id"])

    # -- deputies
    def _deputies(self, rng):
        self.deputies = []
        ns = len(self.stations)
        for i in range(self.scale.deputies):
            st = self.stations[i % ns]
            town = self.towns[st["town"]]
            r = rng.random()
            if r < 0.70:
                levels = ["乡镇"]
            elif r < 0.90:
                levels = ["县", "乡镇"]
            elif r < 0.975:
                levels = ["县"]
            elif r < 0.993:
                levels = ["市", "县"]
            else:
                levels = ["省"]
            dep = {
                "id": f"d-{i + 1:04d}", "name": _person(rng), "levels": levels,
                "station": st["id"], "town": st["town"],
                "village": rng.choice(town["villages"]) + "村",
                "gender": "女" if rng.random() < 0.32 else "男",
                "ethnicity": rng.choice(ETHNICITIES),
            }
            st["deputies"].append(dep["id"])
            self.deputies.append(dep)
        self.deputy_by_id = {d["id"]: d for d in self.deputies}


# ---------------------------------------------------------------------------
# Writers for the simple types

OCCUPATIONS = [
    "{village}党总支书记", "{village}村民委员会主任", "{village}村民委员会副主任",
    "{village}{crop}种植大户", "{village}{livestock}养殖户", "{town}中心学校教师",
    "{town}卫生院医生", "{village}卫生室乡村医生", "个体工商户", "{village}{crop}专业合作社理事长",
    "{town}农业服务中心农技员", "{town}党委副书记", "{town}人民政府副镇长", "{village}村务监督委员会主任",
    "外出务工返乡创业人员", "{town}供销社职工", "{village}妇女主任", "{town}派出所民警",
]
EDUCATION = ["初中", "高中", "中专", "大专", "大学本科"]
PARTY = ["中共党员", "中共党员", "中共党员", "群众", "群众", "农工党党员"]
BIO_MORE = [
    "长期扎根基层，熟悉村情民意，热心为群众办实事、解难题。",
    "履职以来，坚持每月到联系户家中走访，认真收集和反映群众意见。",
    "积极参加代表小组活动和接待选民日活动，在{theme}方面提出了多件建议。",
    "带领群众发展{crop}产业，帮助周边农户增收致富。",
    "认真学习法律法规和履职知识，积极参加视察、调研和执法检查活动。",
    "注重听取{village}群众的意见，推动解决了一批道路、饮水等方面的实际问题。",
]
TERM = {"乡镇": "第十八届", "县": "第十八届", "市": "第五届", "省": "第十四届", "全国": "第十四届"}


def _write_deputies(world, root, rng):
    root.mkdir(parents=True, exist_ok=True)
    for dep in world.deputies:
        town = world.towns[dep["town"]]
        st = world.stations[int(dep["station"][2:]) - 1]
        fill = {"village": dep["village"], "town": town["name"], "crop": rng.choice(CROPS),
                "livestock": rng.choice(LIVESTOCK), "theme": rng.choice(THEMES)}
        occupation = rng.choice(OCCUPATIONS).format(**fill)
        year = rng.randint(1962, 1995)
        levels = dep["levels"]
        top = levels[0]
        lines = [
            f"id: {dep['id']}", f"name: {dep['name']}", f"levels: {', '.join(levels)}",
            f"term: {TERM[top]}", f"constituency: {dep['village']}选区",
            f"group: 第{cn_num(st['group_no'])}代表小组", f"station: {dep['station']}",
            f"occupation: {occupation}", f"ethnicity: {dep['ethnicity']}", f"gender: {dep['gender']}",
        ]
        if rng.random() < 0.85:
            lines.append(f"households: {rng.randint(8, 60)}")
        if rng.random() < 0.4:
            lines.append("new: 是")
        level_text = "、".join(f"{lv}" for lv in levels)
        bio = (f"{dep['name']}，{dep['gender']}，{dep['ethnicity']}，{year}年出生，"
               f"{rng.choice(EDUCATION)}文化，{rng.choice(PARTY)}，现任{occupation}。"
               f"{TERM[top]}{level_text}人大代表，属{st['name']}。"
               + rng.choice(BIO_MORE).format(**fill) + rng.choice(BIO_MORE).format(**fill))
        _write(root / f"{dep['id']}.md", lines, bio)
    return len(world.deputies)


FACILITIES = ["会议室", "接待室", "阅览角", "档案柜", "意见箱", "公示栏", "投影设备", "饮水机", "无障碍通道"]
HOURS = ["周一至周五 8:30—12:00，14:30—17:30", "周一至周五 9:00—12:00，14:00—17:00",
         "逢集日 9:00—17:00，其余工作日 9:00—12:00", "每周二、周五 9:00—16:00"]


def _write_stations(world, root, rng):
    root.mkdir(parents=True, exist_ok=True)
    for st in world.stations:
        town = world.towns[st["town"]]
        head = world.deputy_by_id[st["deputies"][0]]["name"] if st["deputies"] else _person(rng)
        road = rng.choice(ROADS)
        if st["kind"] == "代表之家":
            address = f"云岭县{town['name']}{road}路{rng.randint(1, 180)}号{town['name']}人民政府院内"
        else:
            address = f"云岭县{town['name']}{st['village']}村民委员会办公楼{rng.randint(1, 3)}楼"
        lat = town["lat"] + rng.uniform(-0.08, 0.08)
        lon = town["lon"] + rng.uniform(-0.08, 0.08)
        facilities = [f for f in FACILITIES if rng.random() < 0.5] or ["会议室", "意见箱"]
        lines = [
            f"id: {st['id']}", f"name: {st['name']}", f"kind: {st['kind']}",
            f"address: {address}", f"village: {st['village']}", f"coordinates: {lat:.3f}, {lon:.3f}",
            f"hours: {rng.choice(HOURS)}", f"head: {head}",
            f"phone: 0873-6{rng.randint(100000, 999999)}",
            f"facilities: {', '.join(facilities)}",
        ]
        n_dep = len(st["deputies"])
        body = (f"{st['name']}服务{st['village']}及周边村组，现有进站代表{n_dep}名。"
                f"联络站建有{'、'.join(facilities)}等设施，实行代表轮流值班，"
                "定期开展接待选民、走访联系户和意见建议收集活动。"
                "群众反映的意见建议当场登记，按程序交办，并在公示栏和本平台公开办理结果。")
        _write(root / f"{st['id']}.md", lines, body)
    return len(world.stations)


def _write_units(world, root, rng):
    root.mkdir(parents=True, exist_ok=True)
    for uid, name, kind in world.units:
        lines = [f"id: {uid}", f"name: {name}", f"kind: {kind}"]
        office = UNIT_OFFICE.get(uid)
        if kind == "县直部门" or kind == "企业":
            body = (f"{name}负责本行业领域代表建议和群众意见的办理，"
                    f"由{office}具体承办，办公室负责统一登记、督办和答复。")
        elif kind == "镇属单位":
            body = f"{name}负责办理本镇范围内的群众意见，党政办公室统一登记和督办。"
        else:
            body = f"{name}负责协助办理本村范围内的群众意见，并向群众反馈办理结果。"
        _write(root / f"{uid}.md", lines, body)
    return len(world.units)


# ---------------------------------------------------------------------------
# Reception days: planned first (suggestions refer to them), written last


class _Reception:
    __slots__ = ("id", "station", "title", "theme", "deputies", "rota", "start", "end",
                 "date", "repeat", "first", "until", "dates", "exceptions", "held", "body")


TIMES = [("09:00", "12:00"), ("09:30", "12:00"), ("14:30", "17:30"), ("09:00", "16:30"),
         ("08:30", "11:30"), ("10:00", "15:00")]
MONTHDAYS = [(1, 11, 21), (5, 15, 25), (10, 20), (8, 18, 28)]
WEEKDAY_NAMES = "一二三四五六日"


def _plan_reception(world, rng):
    today = world.today
    n = world.scale.reception_days
    n_rec = max(2, n // 100)
    n_single = n - n_rec
    start = today - datetime.timedelta(days=365 * RECEPTION_YEARS)
    span = (today - start).days + HORIZON_DAYS + 1
    stations = world.stations
    ns = len(stations)
    plans = []
    # Which station gets how many single days: round robin from a shuffled start.
    counts = [n_single // ns + (1 if i < n_single % ns else 0) for i in range(ns)]
    singles = []
    for i, st in enumerate(stations):
        offsets = sorted(rng.sample(range(span), min(counts[i], span)))
        for off in offsets:
            singles.append((start + datetime.timedelta(days=off), i))
    singles.sort(key=lambda x: (x[0], x[1]))
    for k, (day, i) in enumerate(singles):
        st = stations[i]
        r = _Reception()
        r.station = st["id"]
        r.date, r.repeat, r.first, r.until, r.rota = day, None, None, None, None
        r.theme = rng.choice(THEMES) if rng.random() < 0.6 else None
        kind = rng.choice(["接待选民日", "集中接待日", "逢集日接待", "进村入户接待"])
        r.title = f"{st['short']}{kind}"
        r.deputies = _pick_deputies(rng, st, 2, 4)
        r.start, r.end = rng.choice(TIMES)
        r.dates = [day]
        r.exceptions = []
        r.held = [day] if day < today else []
        plans.append(r)
    # Recurring schedules.
    for k in range(n_rec):
        st = stations[rng.randrange(ns)]
        r = _Reception()
        r.station = st["id"]
        r.date = None
        if k % 2 == 0:
            wd = rng.randrange(5)  # Monday..Friday
            r.repeat = f"每周{WEEKDAY_NAMES[wd]}"
            rule = ("w", wd)
            r.title = f"{st['short']}每周{WEEKDAY_NAMES[wd]}接待选民日"
        else:
            days = rng.choice(MONTHDAYS)
            r.repeat = "每月" + "、".join(str(d) for d in days) + "日"
            rule = ("m", days)
            r.title = f"{st['short']}逢{'、'.join(str(d) for d in days)}日接待"
        open_ended = k % 5 == 1
        if open_ended:
            begin = today - datetime.timedelta(days=rng.randint(20, 150))
            last = today + datetime.timedelta(days=HORIZON_DAYS)
        else:
            begin = start + datetime.timedelta(days=rng.randrange(365 * RECEPTION_YEARS - 200))
            last = begin + datetime.timedelta(days=rng.randint(60, 180))
        dates = _expand(rule, begin, last)
        r.first = dates[0]
        r.until = None if open_ended else dates[-1]
        r.dates = dates
        r.theme = rng.choice(THEMES) if rng.random() < 0.5 else None
        r.start, r.end = rng.choice(TIMES)
        if rng.random() < 0.5:
            turns = rng.randint(2, 4)
            r.rota = [_pick_deputies(rng, st, 1, 3) for _ in range(turns)]
            r.deputies = None
        else:
            r.rota = None
            r.deputies = _pick_deputies(rng, st, 2, 3)
        r.exceptions = []  # (date, line)
        skip = set()
        for _ in range(rng.randint(0, 2)):
            day = rng.choice(dates)
            if day in skip:
                continue
            skip.add(day)
            reason = rng.choice(EXCEPTION_REASONS)
            if rng.random() < 0.5:
                r.exceptions.append((day, f"{day.isoformat()} | 取消 | {reason}"))
            else:
                moved = day + datetime.timedelta(days=rng.choice([1, 2]))
                r.exceptions.append((day, f"{day.isoformat()} | 改至 {moved.isoformat()} | {reason}"))
        r.exceptions.sort()
        r.held = [d for d in dates if d < today and d not in skip]
        r.id = None
        plans.append(r)
    # IDs in the order of the plan list (singles by date, then schedules).
    width = max(5, len(str(len(plans))))
    for k, r in enumerate(plans):
        r.id = f"r-{k + 1:0{width}d}"
    return plans


def _pick_deputies(rng, st, lo, hi):
    pool = st["deputies"]
    k = min(len(pool), rng.randint(lo, hi))
    return sorted(rng.sample(pool, k))


def _expand(rule, first, last):
    out = []
    day = first
    one = datetime.timedelta(days=1)
    while day <= last:
        if (rule[0] == "w" and day.weekday() == rule[1]) or (rule[0] == "m" and day.day in rule[1]):
            out.append(day)
        day += one
    return out


def _write_reception(world, plans, refs, root, rng):
    root.mkdir(parents=True, exist_ok=True)
    today = world.today
    for r in plans:
        st = world.stations[int(r.station[2:]) - 1]
        lines = [f"id: {r.id}", f"title: {r.title}", f"station: {r.station}"]
        if r.rota:
            lines += _dated("rota", [", ".join(turn) for turn in r.rota])
        else:
            lines.append(f"deputies: {', '.join(r.deputies)}")
        lines += [f"start: {r.start}", f"end: {r.end}"]
        if r.theme:
            lines.append(f"theme: {r.theme}")
        if r.date:
            lines.append(f"date: {r.date.isoformat()}")
        else:
            lines.append(f"repeat: {r.repeat}")
            lines.append(f"from: {r.first.isoformat()}")
            if r.until:
                lines.append(f"until: {r.until.isoformat()}")
            if r.exceptions:
                lines += _dated("exceptions", [e[1] for e in r.exceptions])
        records = []
        for day in r.held:
            n_refs = refs.get((r.id, day), 0)
            if n_refs == 0 and rng.random() < 0.12:
                continue  # record not filed (yet)
            visitors = rng.randint(3, 40)
            opinions = max(n_refs, rng.randint(0, min(visitors, 15)))
            visitors = max(visitors, opinions)
            topics = rng.sample(RECORD_TOPICS, 2)
            if opinions:
                summary = (f"群众主要反映{topics[0]}、{topics[1]}等问题，"
                           f"现场解答{rng.randint(1, max(1, opinions))}件，其余登记交办")
            else:
                summary = f"开展{topics[0]}政策宣传，群众现场咨询，未收集到意见建议"
            records.append(f"{day.isoformat()} | {visitors} | {opinions} | {summary}")
        if records:
            lines += _dated("records", records)
        town = world.towns[st["town"]]
        body = (f"接待地点：{st['name']}。"
                f"届时{town['name']}的各级人大代表将在此听取群众意见建议，"
                "不能到场的群众也可以通过本平台或联络站意见箱提出意见。")
        _write(root / f"{r.id}.md", lines, body)
    return len(plans)


# ---------------------------------------------------------------------------
# Suggestions

STAGES = ["received", "assigned", "progress", "answered", "evaluated", "second", "closed", "followups"]
ST = {name: i for i, name in enumerate(STAGES)}

# Scenarios forced onto a few cases so that every state and class appears at
# any scale.  Keys: branch, target, result, sat, second_sat, source,
# supervised, followups, recent (days before today for `received`).
SCENARIOS = (
    [dict(target="followups", result=c, sat="满意", followups=2) for c in RESULT_CLASSES]
    + [dict(target="closed", result=c, sat="基本满意") for c in RESULT_CLASSES]
    + [dict(target="closed", sat="不满意", second_sat="满意"),
       dict(target="closed", sat="不满意", second_sat="基本满意", source=DEPUTY),
       dict(target="closed", sat="不满意", second_sat="不满意"),
       dict(target="evaluated", sat="不满意", recent=75, source=CITIZEN),   # 重新办理: awaiting the second reply
       dict(target="evaluated", sat="满意", recent=80, source=CITIZEN),
       dict(target="answered", recent=45, face=True, source=CITIZEN),
       dict(target="closed", source=DEPUTY, supervised=True, followups=1),
       dict(target="progress", source=DEPUTY, supervised=True, recent=60),
       dict(target="progress", recent=20),
       dict(target="progress", overdue=True),                # long overdue, still open
       dict(target="assigned", recent=4),
       dict(target="received", recent=1),
       dict(target="received", recent=0),
       dict(branch="merged"), dict(branch="merged", source=DEPUTY),
       dict(branch="rejected"), dict(branch="withdrawn"), dict(branch="withdrawn_assigned"),
       dict(target="closed", source=CITIZEN, anonymous=True),
       dict(target="closed", source=DEPUTY, deadline=True)]
)


def _fillers(rng, town, vroot, vroot2):
    crop = rng.choice(CROPS)
    village, village2 = vroot + "村", vroot2 + "村"
    return {
        "town": town["name"], "village": village, "village2": village2,
        "group": (f"{rng.choice(SURNAMES)}家{rng.choice(['', '寨', '营'])}村民小组" if rng.random() < 0.6
                  else f"第{cn_num(rng.randint(1, 12))}村民小组"),
        "road": f"{town['short']}{rng.choice(ROADS)}路",
        "school": rng.choice([f"{vroot}小学", f"{town['name']}中心小学", f"{town['name']}中学",
                              f"{vroot}完小"]),
        "clinic": f"{village}卫生室", "canal": f"{vroot}{rng.choice(['大沟', '干渠', '引水渠', '灌溉渠'])}",
        "reservoir": f"{vroot}{rng.choice(['水库', '坝塘', '小坝'])}",
        "river": f"{rng.choice(TOWN_A)}{rng.choice(['河', '溪', '江'])}",
        "bridge": f"{vroot}{rng.choice(['大桥', '石拱桥', '漫水桥', '便民桥'])}",
        "crop": crop, "livestock": rng.choice(LIVESTOCK),
        "km": f"{rng.randint(12, 95) / 10:.1f}", "m": rng.randint(12, 95) * 10,
        "m2": rng.randint(8, 60) * 10, "width": rng.choice(["3.5", "4", "4.5", "5", "6"]),
        "mu": rng.randint(8, 250) * 10, "hh": rng.randint(12, 260),
        "people": rng.randint(40, 900), "students": rng.randint(60, 900),
        "amount": f"{rng.randint(50, 3200) / 10:g}", "amount_small": f"{rng.randint(12, 95) / 10:g}",
        "n_small": rng.randint(2, 6), "n_staff": rng.randint(12, 45), "pct": rng.randint(35, 85),
        "old_year": rng.randint(1995, 2010), "tank": rng.choice([50, 100, 150, 200, 300]),
        "books": rng.randint(8, 40) * 100, "places": rng.choice([60, 90, 120, 180]),
        "area": rng.randint(8, 20) * 10, "stalls": rng.randint(4, 16) * 10,
        "lamps": rng.randint(3, 12) * 10, "reason": rng.choice(REASONS),
        "pct_rest": rng.randint(5, 30),
    }


def _plan_suggestions(world, plans, rng):
    """Decide source, place, reception and received date of every case;
    return them sorted by received date."""
    today = world.today
    n = world.scale.suggestions
    held = []
    for r in plans:
        for day in r.held:
            held.append((r, day))
    span = (today - SUGGESTIONS_FROM).days
    items = []
    for k in range(n):
        scen = SCENARIOS[k] if k < len(SCENARIOS) else {}
        source = scen.get("source") or (DEPUTY if rng.random() < 0.22 else CITIZEN)
        if scen.get("branch") in ("merged", "rejected", "withdrawn", "withdrawn_assigned") \
                and "source" not in scen:
            source = CITIZEN
        category = CATEGORIES[k % len(CATEGORIES)] if k < len(CATEGORIES) else rng.choice(CATEGORIES)
        how = "web"
        reception = None
        if source == CITIZEN:
            r = rng.random()
            how = "reception" if r < 0.35 else ("visit" if r < 0.6 else "web")
        if "recent" in scen:
            received = today - datetime.timedelta(days=scen["recent"])
            if how == "reception":
                how = "visit"
        elif scen:
            received = SUGGESTIONS_FROM + datetime.timedelta(days=rng.randrange(30, span - 700))
            if how == "reception":
                how = "visit"
        elif how == "reception" and held:
            r, day = held[rng.randrange(len(held))]
            reception = (r, day)
            received = min(today, day + datetime.timedelta(days=rng.choice([0, 0, 0, 1, 2, 3])))
        else:
            if how == "reception":
                how = "visit"
            u = rng.random()
            frac = u if rng.random() < 0.5 else u ** 0.5  # grows over the years
            received = SUGGESTIONS_FROM + datetime.timedelta(days=int(frac * span))
        items.append((received, k, source, category, how, reception, scen))
    items.sort(key=lambda x: (x[0], x[1]))
    return items


def _lifecycle(rng, received, source, scen, today):
    """Dates of a case up to its evaluation, none after ``today``.

    Returns (case, rest): ``case`` maps field -> date; ``rest`` is what
    _finish_lifecycle needs to go on after an evaluation (else None)."""
    o = received.toordinal()
    t = today.toordinal()
    case = {"received": received}
    branch = scen.get("branch") or ("normal" if "target" in scen else None)
    if branch is None:
        r = rng.random()
        if source == CITIZEN:
            branch = ("merged" if r < 0.03 else "rejected" if r < 0.055 else
                      "withdrawn" if r < 0.07 else "withdrawn_assigned" if r < 0.075 else "normal")
        else:
            branch = "merged" if r < 0.015 else "normal"
    if branch in ("merged", "rejected", "withdrawn"):
        day = o + rng.randint(1, 8)
        if day <= t:
            case[branch] = datetime.date.fromordinal(day)
        return case, None
    target = scen.get("target")
    if target is None:
        target = rng.choices(STAGES, weights=[1, 1, 3, 6, 10, 0, 58, 21])[0]
    if branch == "withdrawn_assigned":
        target = "progress"
    tgt = ST[target]
    # assigned
    a = o + (rng.randint(1, 6) if source == CITIZEN else rng.randint(7, 30))
    if tgt < ST["assigned"] or a > t:
        return case, None
    case["assigned"] = a_day = datetime.date.fromordinal(a)
    if scen.get("deadline") or (rng.random() < 0.05):
        case["deadline"] = add_months(a_day, 2 if source == CITIZEN else 4)
    deadline = case.get("deadline") or add_months(a_day, DEADLINE_MONTHS[source])
    dl = deadline.toordinal()
    # answered (planned): on time mostly
    if scen.get("overdue"):
        ans = max(dl, t) + 30  # never answered: open and overdue
    elif scen.get("target") or rng.random() < 0.86:  # scenarios answer on time
        ans = a + rng.randint(max(3, (dl - a) // 3), dl - a)
    else:
        ans = dl + rng.randint(1, 45)
    # progress notes between assigned and answered
    n_notes = rng.randint(1, 4) if tgt >= ST["progress"] else 0
    if scen.get("overdue"):
        n_notes = 3
    notes = sorted(rng.randint(a, max(a, ans - 1)) for _ in range(n_notes))
    notes = [d for d in notes if d <= t]
    if notes:
        case["progress"] = [datetime.date.fromordinal(d) for d in notes]
    if branch == "withdrawn_assigned":
        w = (notes[-1] if notes else a) + rng.randint(1, 10)
        if w <= t:
            case["withdrawn"] = datetime.date.fromordinal(w)
        return case, None
    if tgt < ST["answered"] or ans > t:
        return case, None
    case["answered"] = datetime.date.fromordinal(ans)
    if tgt < ST["evaluated"]:
        return case, None
    ev = ans + rng.randint(2, 20)
    if ev > t:
        return case, None
    case["evaluated"] = datetime.date.fromordinal(ev)
    return case, (ev, tgt, t)


def _finish_lifecycle(rng, case, rest, sat, scen):
    """Second reply and closing after the evaluation; returns the closing
    day's ordinal (or None)."""
    ev, tgt, t = rest
    last = ev
    if sat == "不满意":
        if tgt < ST["second"] and scen.get("target") == "evaluated":
            return None
        sr = ev + rng.randint(10, 30)
        if sr > t:
            return None
        case["second_reply"] = datetime.date.fromordinal(sr)
        last = sr
    if tgt < ST["closed"]:
        return None
    cl = last + rng.randint(0, 12)
    if cl > t:
        return None
    case["closed"] = datetime.date.fromordinal(cl)
    return cl


SAT_WEIGHTS = {"A": [80, 17, 3], "B": [58, 33, 9], "C": [40, 44, 16], "D": [25, 45, 30]}
SATS = ["满意", "基本满意", "不满意"]


def _voice(text, unit_id):
    """The pools speak as a county bureau ("我局"); other units say "我们"."""
    if unit_id == "weijian":
        return text.replace("我局", "我委")
    if unit_id and unit_id in _BUREAUS:
        return text.replace("我委", "我局")
    return text.replace("我局", "我们").replace("我委", "我们")


_BUREAUS = {d[0] for d in DEPARTMENTS if d[1].endswith("局")}


def _reply(rng, f, cls, source, face, issue_i, hi=600):
    """The reply: paragraphs drawn from the pools, 300 to ``hi`` characters."""
    lo = rng.randint(300, 520)  # length aimed at (at least)
    cat = f["category"]
    opening = rng.choice(OPEN_DEPUTY if source == DEPUTY else OPEN_CITIZEN).format_map(f)
    bg = rng.choice(BACKGROUND[cat]).format_map(f)
    pool = GENERIC_MEASURES if cls != "D" else GENERIC_MEASURES[:GENERIC_COMMITMENTS[0]] + \
        GENERIC_MEASURES[GENERIC_COMMITMENTS[1]:]
    generic = [m.format_map(f) for m in rng.sample(pool, 4)]
    if cls in ("A", "B"):  # what was actually done about this issue comes first
        measures = [MEASURES[cat][issue_i].format_map(f)] + generic
    else:
        measures = generic
    result = rng.choice(RESULT[cls]).format_map(f)
    if face:
        result += rng.choice(FACE).format_map(f)
    nexts = [x.format_map(f) for x in rng.sample(NEXT, 3)]
    close = rng.choice(CLOSE).format_map(f)
    used_m, used_n = 2, 1

    def assemble():
        return "\n\n".join([opening, bg + "".join(measures[:used_m]), result,
                             "".join(nexts[:used_n]), close])

    text = assemble()
    while len(text) < lo and (used_m < len(measures) or used_n < len(nexts)):
        if used_m < len(measures):
            used_m += 1
        else:
            used_n += 1
        text = assemble()
    while len(text) > hi and used_m > 1:
        used_m -= 1
        text = assemble()
    return text


def _second_reply(rng, f):
    parts = [rng.choice(SECOND).format_map(f), rng.choice(SECOND_MID).format_map(f),
             rng.choice(SECOND_END).format_map(f)]
    return "\n\n".join(parts)


def _opinion(rng, f, issue, source, at_reception):
    title_t, problem_t, ask_t, _topic = issue
    problem, ask = problem_t.format_map(f), ask_t.format_map(f)
    if source == DEPUTY:
        bg = rng.choice(DEPUTY_BG).format_map(f)
        more = rng.sample(DEPUTY_MORE, 2)
        return (f"**一、基本情况**\n\n{bg}{problem}\n\n"
                f"**二、存在的问题**\n\n一是资金投入不足，历史欠账较多；二是建设和管护责任不够明确；"
                f"三是群众反映多年，问题仍未得到根本解决。\n\n"
                f"**三、建议**\n\n1. {ask}\n2. {more[0]}\n3. {more[1]}")
    lead = OPINION_LEAD_RECEPTION if at_reception and rng.random() < 0.4 else rng.choice(OPINION_LEAD)
    lead = lead.format_map(f)
    tail = rng.choice(OPINION_TAIL)
    return f"{lead}{problem}{ask}{tail}"


def _write_suggestions(world, plans, root, rng, code_rng, today):
    """Stream the suggestion files; return (count, reception refs, stats)."""
    refs = {}
    stats = {}
    seen = set()
    recent_primary = {c: [] for c in CATEGORIES}  # cases a duplicate can point at
    items = _plan_suggestions(world, plans, rng)
    stations = world.stations
    towns = world.towns
    deputies = world.deputies
    station_index = {st["id"]: st for st in stations}
    unit_names = {u[0]: u[1] for u in world.units}
    made_dirs = set()
    for received, k, source, category, how, reception, scen in items:
        code = _unique_code(code_rng, seen)
        # where: station and town
        lead = cosigners = None
        addressed = []
        station = None
        if source == DEPUTY:
            lead_dep = deputies[rng.randrange(len(deputies))]
            st = station_index[lead_dep["station"]]
            others = [d for d in st["deputies"] if d != lead_dep["id"]]
            pool = others if others else []
            cos = sorted(rng.sample(pool, min(len(pool), rng.choice([0, 1, 2, 2, 3, 4]))))
            if rng.random() < 0.15:  # a co-signer from elsewhere
                extra = deputies[rng.randrange(len(deputies))]["id"]
                if extra != lead_dep["id"] and extra not in cos:
                    cos = sorted(cos + [extra])
            lead, cosigners = lead_dep, cos
            if rng.random() < 0.5:
                station = st
        elif reception is not None:
            rplan, rday = reception
            st = station_index[rplan.station]
            station = st
            if rplan.rota:
                turn = rplan.dates.index(rday) % len(rplan.rota)
                on_duty = rplan.rota[turn]
            else:
                on_duty = rplan.deputies
            addressed = sorted(rng.sample(on_duty, min(len(on_duty), rng.randint(1, 2))))
            refs[(rplan.id, rday)] = refs.get((rplan.id, rday), 0) + 1
        else:
            st = stations[rng.randrange(len(stations))]
            if how == "visit" and st["deputies"]:
                station = st
                addressed = [rng.choice(st["deputies"])]
            elif st["deputies"] and rng.random() < 0.3:
                addressed = [rng.choice(st["deputies"])]
        t_i = st["town"]
        n_v = len(towns[t_i]["villages"])
        v1 = rng.randrange(n_v)
        v2 = (v1 + 1 + rng.randrange(n_v - 1)) % n_v
        issue_i = rng.randrange(len(ISSUES[category]))
        # lifecycle
        case, rest = _lifecycle(rng, received, source, scen, today)
        branch_end = next((b for b in ("merged", "rejected", "withdrawn") if b in case), None)
        merged_into = None
        if "merged" in case:
            recent = recent_primary[category][-30:]
            same_town = [p for p in recent if p[1] == t_i]
            if recent:
                # A duplicate raises the same issue in the same place as the case it joins.
                merged_into, t_i, v1, v2, issue_i = rng.choice(same_town or recent)
            else:
                del case["merged"]  # nothing to merge into yet: stays received
                branch_end = None
        town = towns[t_i]
        villages = town["villages"]
        f = _Fmt(_fillers(rng, town, villages[v1], villages[v2]))
        f["category"] = category
        f["station_name"] = st["name"]
        f["channel"] = {"reception": "代表接待选民日", "visit": "代表入户走访"}.get(
            "reception" if reception is not None else how, "本平台")
        issue = ISSUES[category][issue_i]
        f["topic"] = issue[3].format_map(f)
        title = issue[0].format_map(f)
        # people
        if source == CITIZEN:
            anonymous = scen.get("anonymous") or rng.random() < 0.3
            submitter = "匿名" if anonymous else rng.choice(SURNAMES) + "某"
            f["salute"] = "" if anonymous else f"{submitter}："
        else:
            submitter = None
            f["lead_name"] = lead["name"]
            f["salute"] = f"{lead['name']}代表："
        # units
        lead_unit = assist = None
        if "assigned" in case:
            cands = world.lead_units[category]
            vu = world.village_units.get((town["name"], villages[v1] + "村"))
            r = rng.random()
            if vu and r < 0.1:
                lead_unit = vu
            elif r < 0.3 or not cands:
                lead_unit = town["unit"]
            else:  # the first department named for a category leads most often
                lead_unit = cands[0] if rng.random() < 0.6 else rng.choice(cands)
            opts = [u for u in ASSIST[category] if u != lead_unit]
            if lead_unit != town["unit"]:
                opts.append(town["unit"])
            if rng.random() < 0.45:
                assist = sorted(rng.sample(opts, rng.randint(1, min(2, len(opts)))))
        f["unit"] = unit_names[lead_unit] if lead_unit else "我单位"
        f["office"] = UNIT_OFFICE.get(lead_unit, "党政办公室")
        f["assist"] = unit_names[assist[0]] if assist else "有关单位"
        # answered and later
        result = None
        sat = None
        second_sat = None
        closed_ord = None
        followups = []
        face = False
        if "answered" in case:
            ans = case["answered"]
            weights = [55, 20, 15, 10] if source == CITIZEN else [40, 25, 25, 10]
            result = scen.get("result") or rng.choices(RESULT_CLASSES, weights=weights)[0]
            face = scen.get("face") or rng.random() < (0.7 if source == DEPUTY else 0.2)
            after = max([case["assigned"]] + case.get("progress", []))
            f["done"] = cn_date(after + datetime.timedelta(days=rng.randint(0, (ans - after).days)))
            finish = ans + datetime.timedelta(days=rng.randint(40, 200))
            f["finish"] = f"{finish.year}年{finish.month}月底"
            f["next_year"] = ans.year + 1
            f["benefit"] = rng.choice(BENEFIT).format_map(f)
            meet = ans - datetime.timedelta(days=rng.randint(1, 10))
            f["meet"] = cn_date(max(meet, case["assigned"]))
            if "evaluated" in case:
                sat = scen.get("sat") or rng.choices(SATS, weights=SAT_WEIGHTS[result])[0]
                closed_ord = _finish_lifecycle(rng, case, rest, sat, scen)
                if "second_reply" in case:
                    second_sat = scen.get("second_sat") or rng.choices(SATS, weights=[45, 45, 10])[0]
                    f["second_date"] = cn_date(case["second_reply"] - datetime.timedelta(days=rng.randint(1, 8)))
                    f["measure_short"] = MEASURES[category][issue_i].format_map(f)
                if closed_ord is not None:
                    want = scen.get("followups")
                    if want is None:
                        want = (rng.choice([0, 1, 1, 2]) if (result in "BC" or scen.get("supervised"))
                                and rng.random() < 0.5 else 0)
                        if rng.random() < 0.05:
                            want = 1
                    day = closed_ord
                    texts = FOLLOWUP[result]
                    for j in sorted(rng.sample(range(len(texts)), min(want, len(texts)))):
                        day += rng.randint(60, 240)
                        if day > today.toordinal():
                            break
                        f["pct_rest"] = rng.randint(5, 30)
                        followups.append((datetime.date.fromordinal(day), texts[j].format_map(f)))
        supervised = scen.get("supervised") or ("assigned" in case and rng.random() < (
            0.08 if source == DEPUTY else 0.01))
        # header
        lines = [f"code: {code}", f"title: {title}", f"source: {source}", f"category: {category}"]
        if source == CITIZEN:
            if submitter != "匿名" or rng.random() < 0.5:
                lines.append(f"submitter: {submitter}")
            if addressed:
                lines.append(f"addressed: {', '.join(addressed)}")
        else:
            lines.append(f"lead: {lead['id']}")
            if cosigners:
                lines.append(f"cosigners: {', '.join(cosigners)}")
        if station:
            lines.append(f"station: {station['id']}")
        if reception is not None:
            lines.append(f"reception: {reception[0].id} {reception[1].isoformat()}")
        lines.append(f"received: {received.isoformat()}")
        if "assigned" in case:
            lines.append(f"assigned: {case['assigned'].isoformat()}")
            lines.append(f"lead_unit: {lead_unit}")
            if assist:
                lines.append(f"assist_units: {', '.join(assist)}")
            if "deadline" in case:
                lines.append(f"deadline: {case['deadline'].isoformat()}")
        if "progress" in case:
            notes = []
            works = category not in NO_WORKS and result in (None, "A", "B")
            steps = [i for i in range(len(PROGRESS))
                     if (assist or i != PROGRESS_ASSIST) and (works or i not in PROGRESS_WORKS)]
            pool = [PROGRESS[i] for i in sorted(rng.sample(steps, len(case["progress"])))]
            for day, note in zip(case["progress"], pool):
                notes.append(f"{day.isoformat()} | {note.format_map(f)}")
            lines += _dated("progress", notes)
        if result:
            lines.append(f"answered: {case['answered'].isoformat()}")
            lines.append(f"result: {result}")
            if face:
                lines.append("face_to_face: 是")
        if sat:
            lines.append(f"evaluated: {case['evaluated'].isoformat()}")
            lines.append(f"satisfaction: {sat}")
        if "second_reply" in case:
            lines.append(f"second_reply: {case['second_reply'].isoformat()}")
            if second_sat and rng.random() < 0.9:
                lines.append(f"second_satisfaction: {second_sat}")
            else:
                second_sat = None
        if "closed" in case:
            lines.append(f"closed: {case['closed'].isoformat()}")
        if supervised:
            lines.append("supervised: 是")
            lines.append(f"supervisor: {rng.choice(SUPERVISORS)}")
        if followups:
            lines += _dated("followups", [f"{d.isoformat()} | {text}" for d, text in followups])
        if merged_into:
            lines.append(f"merged_into: {merged_into}")
            lines.append(f"merged: {case['merged'].isoformat()}")
        if "rejected" in case:
            lines.append(f"rejected: {case['rejected'].isoformat()}")
            lines.append(f"reject_reason: {rng.choice(REJECT_REASONS)}")
        if "withdrawn" in case:
            lines.append(f"withdrawn: {case['withdrawn'].isoformat()}")
        # body
        body = [_opinion(rng, f, issue, source, reception is not None)]
        if result:
            body.append("## 答复\n\n" + _voice(_reply(rng, f, result, source, face, issue_i), lead_unit))
        if "second_reply" in case:
            body.append("## 二次答复\n\n" + _voice(_second_reply(rng, f), lead_unit))
        folder = root / str(received.year)
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        _write(folder / f"{code}.md", lines, "\n\n".join(body))
        # bookkeeping
        if branch_end is None and "withdrawn" not in case:
            recent_primary[category].append((code, t_i, v1, v2, issue_i))
            if len(recent_primary[category]) > 60:
                del recent_primary[category][:30]
        state = _state(case, sat, merged_into)
        stats[state] = stats.get(state, 0) + 1
    return len(items), refs, stats


def _state(case, sat, merged_into):
    if merged_into:
        return "merged"
    for name in ("rejected", "withdrawn", "closed"):
        if name in case:
            return name
    if "evaluated" in case:
        return "rehandling" if sat == "不满意" and "second_reply" not in case else "evaluated"
    for name in ("answered", "progress", "assigned"):
        if name in case:
            return {"progress": "in_progress"}.get(name, name)
    return "received"


# ---------------------------------------------------------------------------
# Pages and news

PAGES = {
    "about": ("关于本平台", """云岭县人大代表履职服务平台由县人大常委会办公室和各乡镇人大主席团共同维护，公开本县各级人大代表的基本情况、代表之家和代表联络站的位置与开放时间、接待选民日安排，以及群众意见和代表建议的办理情况。

平台上的意见建议按受理编号逐件公开：受理、交办、办理进度、答复全文、办理结果类别、满意度评价和回头看情况都可以查到。各承办单位的办理进度每月通报一次。

本平台所有内容均为示例数据，人名、地名和单位均为虚构。"""),
    "contact": ("如何联系代表", """**到代表之家或联络站**：每个代表之家和联络站都公布了地址、开放时间和值班代表，开放时间内可以直接前往反映意见。

**参加接待选民日**：各站的接待选民日至少提前三天公示，接待当天由代表当面听取意见，现场登记。

**在线提交**：通过本平台的“提意见”页面提交，提交后会得到一个受理编号，凭编号可以查询办理进度和答复。

**意见箱**：各站设有意见箱，由联络员定期开启登记。"""),
    "privacy": ("隐私说明", """为了办理您的意见，我们需要您的联系方式。联系电话、身份证号、电子邮箱和详细住址只保存在不公开的案卷中，只有办理人员可以查看，绝不会出现在本网站上。

网站公开的意见建议中，提出人只显示为“姓+某”（如张某），如您选择匿名则不显示任何信息。

案件办结后，联系方式在规定期限后删除。"""),
}


def _write_pages(root):
    root.mkdir(parents=True, exist_ok=True)
    for slug in sorted(PAGES):
        title, body = PAGES[slug]
        _write(root / f"{slug}.md", [f"title: {title}", f"slug: {slug}"], body)
    return len(PAGES)


def _write_news(root, today, counts):
    root.mkdir(parents=True, exist_ok=True)
    items = [
        (today - datetime.timedelta(days=9), "reception-week", "全县开展代表集中接待选民活动",
         f"近日，全县{counts['stations']}个代表之家和代表联络站同步开展代表集中接待选民活动。"
         "各级人大代表围绕农村道路、饮水安全、产业发展等群众关心的问题听取意见，"
         "现场能解答的当场解答，不能当场解答的登记后按程序交办。\n\n"
         "县人大常委会要求各承办单位认真办理，按时答复，办理情况在本平台公开。"),
        (today - datetime.timedelta(days=35), "monthly-bulletin", "意见建议办理情况通报",
         "县人大常委会办公室对上月各承办单位的意见建议办理情况进行了通报。"
         "通报显示，大部分单位能够按时答复，群众满意率总体稳定；个别单位存在超期答复的情况，"
         "已督促限期整改。\n\n各单位的办理数量、按时答复率和满意率可在“承办单位”栏目查看。"),
        (today - datetime.timedelta(days=80), "deputy-training", "新一届代表履职培训举行",
         "县人大常委会举办代表履职培训班，围绕代表的权利和义务、如何提出高质量建议、"
         "如何开展接待选民活动等内容进行了讲解。\n\n参训代表表示，将把学到的知识运用到履职实践中，"
         "更好地联系群众、反映民意。"),
    ]
    for day, slug, title, body in items:
        _write(root / f"{slug}.md", [f"title: {title}", f"date: {day.isoformat()}", f"slug: {slug}"], body)
    return len(items)


# ---------------------------------------------------------------------------
# Entry points


def generate(scale, out, seed=DEFAULT_SEED, today=DEFAULT_TODAY, overwrite=False):
    """Write a complete content directory for ``scale`` into ``out``.

    Returns the number of files per type (keys are the directory names) plus
    ``states``: the number of suggestions in each lifecycle state.
    ``out`` must be empty or missing; with ``overwrite`` the directories this
    function writes are removed first (nothing else is touched).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise FileExistsError(f"{out} is not empty (use overwrite=True / --force)")
        for name in OUT_DIRS:
            if (out / name).is_dir():
                shutil.rmtree(out / name)
    out.mkdir(parents=True, exist_ok=True)
    sc = SCALES[scale]
    world = _World(sc, seed, today)
    counts = {}
    counts["deputies"] = _write_deputies(world, out / "deputies", random.Random(f"{seed}-deputies"))
    counts["stations"] = _write_stations(world, out / "stations", random.Random(f"{seed}-stations"))
    counts["units"] = _write_units(world, out / "units", random.Random(f"{seed}-units"))
    plans = _plan_reception(world, random.Random(f"{seed}-reception-plan"))
    n, refs, stats = _write_suggestions(world, plans, out / "suggestions",
                                        random.Random(f"{seed}-suggestions"), random.Random(seed), today)
    counts["reception-days"] = _write_reception(world, plans, refs, out / "reception-days",
                                                random.Random(f"{seed}-reception"))
    counts["suggestions"] = n
    counts["pages"] = _write_pages(out / "pages")
    counts["news"] = _write_news(out / "news", today, counts)
    counts["states"] = dict(sorted(stats.items()))
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m portal_tools.fixture",
        description="Write a deterministic, fictional content directory for tests and benchmarks.")
    parser.add_argument("--scale", choices=list(SCALES), default="county")
    parser.add_argument("--out", required=True, type=Path, help="directory to write (empty or missing)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=DEFAULT_TODAY,
                        help="the fixture's today, YYYY-MM-DD (default %(default)s)")
    parser.add_argument("--force", action="store_true",
                        help="replace the content directories already in --out")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        counts = generate(args.scale, args.out, seed=args.seed, today=args.today, overwrite=args.force)
    except FileExistsError as err:
        parser.error(str(err))
    elapsed = time.perf_counter() - started
    states = counts.pop("states")
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    print("suggestion states: " + ", ".join(f"{k} {v}" for k, v in states.items()))
    print(f"written to {args.out} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
