"""The Chinese demo center's texts (`seed_demo --locale zh-hans`, DESIGN.md §8): the same center as
monitoring/demo.py's English tables (same codes, weights and structure), named the way a
Chinese call center names its lines, sites, teams, shifts and service types (../shared/GLOSSARY.md).
Demo data, not translatable strings: the Chinese center's rows are written in Chinese."""

from __future__ import annotations

from . import audio
from . import demo_audio as audio_events

LOCALE = "zh-hans"
LOCALES = ("en", LOCALE)


def is_zh(locale: str) -> bool:
    return locale == LOCALE


def pick(locale: str, english, chinese):
    """The Chinese variant of a text table for the Chinese center, else the English one."""
    return chinese if is_zh(locale) else english


SITES = ("上海", "成都")
LINES = {
    "billing": "账务",
    "tech-support": "技术支持",
    "sales": "销售",
    "complaints": "投诉与升级",
}
# Team labels in monitoring.demo.TEAM_PLAN's order (the lines handled stay the same).
TEAM_LABELS = ("账务", "技术支持", "销售", "技术支持", "账务与销售", "技术支持")
# Shift names by code (the times and priorities stay monitoring.demo.SHIFTS').
SHIFT_NAMES = {"day": "正常班", "evening": "中班", "night": "夜班", "peak": "繁忙时段加班"}

_SERVICE = {
    "invoice query": "账单查询",
    "payment arrangement": "分期缴费",
    "refund": "退款",
    "direct debit": "自动扣款",
    "connectivity": "网络连接",
    "device setup": "设备设置",
    "outage": "故障报修",
    "new contract": "新装业务",
    "upgrade": "套餐升级",
    "retention": "挽留",
    "formal complaint": "正式投诉",
    "escalation": "投诉升级",
    "complaint follow-up": "投诉回访",
}


def service_types(english: dict) -> dict:
    """monitoring.demo.SERVICE_TYPES with Chinese service types, same weights and order."""
    return {key: {_SERVICE[name]: w for name, w in weights.items()} for key, weights in english.items()}


PRIVATE_LINE_REASONS = (
    "班长座机，保留作个人通话",
    "员工关爱热线",
    "休息室电话，供员工私人使用",
    "工会代表专线",
)

# More given names than the English tables' GIVEN_ZH, so a large center repeats fewer names.
GIVEN = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
    "霞", "平", "刚", "桂英", "晓明", "婷婷", "子涵", "欣怡", "浩然", "雨萱", "俊杰", "佳怡", "思远", "梦琪",
    "宇轩", "诗涵", "嘉怡", "志强", "建华", "晓燕", "海燕", "文博", "一鸣", "雪", "琳", "慧", "鑫", "凯", "博文",
    "天宇", "晨", "悦", "红", "建国", "玉兰", "春梅", "国强", "丹", "萍", "颖", "倩", "斌", "宁", "波", "辉",
    "燕", "玲", "健", "亮", "莉", "雯", "昊", "泽宇", "若曦", "欣然", "梓涵", "家豪", "晓东", "丽娟", "少华",
)  # fmt: skip

# (first name, last name) of the demo logins that are not agents: family name last here, shown
# family name first (周敏) by the Chinese center.
DEMO_PEOPLE = {
    "manager": ("敏", "周"),
    "qa": ("丽华", "林"),
    "supervisor": ("磊", "王"),
    "trainer": ("海燕", "徐"),
    "hr": ("静", "陈"),
}

_DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 105 → 105 (team numbers: 账务一组)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def team_name(site: str, label: str, number: int) -> str:
    return f"{site}{label}{numeral(number)}组"


def person_name(surname: str, given: str) -> str:
    return f"{surname}{given}"


# The recording pool's dialogues, by line, in monitoring.demo_recordings.SCRIPTS' order: spoken in
# Mandarin (espeak-ng's `cmn` voice) where installed, a speech-like stand-in beside these
# transcripts otherwise. Each opens with a greeting (您好 / 欢迎致电), checks who is calling
# (核实一下您的身份) and closes (再见): the demo's phrase rules (monitoring/demo_analysis.py).
A, C = audio.AGENT, audio.CUSTOMER
SCRIPTS = (
    ("billing", (
        (A, "您好，欢迎致电账务中心，我是小丽。先核实一下您的身份，请问您贵姓？"),
        (C, "我姓李。这个月的账单比平时高了很多。"),
        (A, "上周您出差产生了一笔漫游费，差额就是这笔费用。"),
        (A, "感谢您的来电，再见。"),
    )),
    ("billing", (
        (A, "您好，账务中心，我是小凯。先核实一下您的身份，请报一下账户号码。"),
        (C, "四五一二。这期账单可以分两次缴吗？"),
        (A, "可以，今天缴一半，三十号缴另一半，不收滞纳金。"),
        (A, "稍后会有短信确认。再见。"),
    )),
    ("billing", (
        (A, "您好，欢迎致电账单中心，我是小王。先核实一下您的身份，请报一下出生日期。"),
        (C, "五月三号。我上个月被重复扣费了。"),
        (A, "确实有一笔重复扣款，退款三到五个工作日到账。"),
        (A, "感谢您的来电，再见。"),
    )),
    ("tech-support", (
        (A, "您好，欢迎致电技术支持，我是小杰。先核实一下您的身份，请问邮编是？"),
        (C, "邮编是二零零零一。我家宽带每天晚上都断线。"),
        (A, "已经为您重置了线路，挂机后请重启一下路由器。"),
        (A, "如果再断线，请报工单号四四七。再见。"),
    )),
    ("tech-support", (
        (A, "您好，技术支持，我是小雪。先核实一下您的身份，请问您贵姓？"),
        (C, "我姓王。我的新手机收不了邮件。"),
        (A, "请打开设置，添加账户，密码用欢迎信里的那个。"),
        (A, "已经连接成功了。再见。"),
    )),
    ("tech-support", (
        (A, "您好，技术支持，我是小李。先核实一下您的身份，请问您的地址是？"),
        (C, "公园路八号。我家从中午开始就上不了网了。"),
        (A, "非常抱歉，小区有线路故障，预计今晚六点前恢复。"),
        (A, "恢复后会发短信通知您。再见。"),
    )),
    ("sales", (
        (A, "您好，欢迎致电销售热线，我是小燕。先核实一下您的身份，请报一下手机号。"),
        (C, "尾号三三八。我想要更多流量。"),
        (A, "五十G的套餐价格不变，还可以免费换新手机。"),
        (A, "优惠详情已经发到您的邮箱。再见。"),
    )),
    ("sales", (
        (A, "您好，我是销售部的小刚。先核实一下您的身份，请问您贵姓？"),
        (C, "我姓李。我在考虑换运营商，别家更便宜。"),
        (A, "如果您继续使用，一年内可以享受八折，流量翻倍。"),
        (A, "详情今天发到您的邮箱。再见。"),
    )),
    ("sales", (
        (A, "您好，欢迎致电销售热线，我是小陈。先核实一下您的身份，请报一下手机号。"),
        (C, "一三九五五。我刚搬家，想办宽带。"),
        (A, "三百兆的套餐每月九十九元，免费安装。"),
        (A, "明天上午安排师傅上门。再见。"),
    )),
    ("complaints", (
        (A, "您好，客户关系部，我是小红。先核实一下您的身份，请问您贵姓？"),
        (C, "我姓李。一笔错误扣费我打了三次电话都没处理。"),
        (A, "非常抱歉，已经为您取消这笔费用并补偿了话费。"),
        (A, "感谢您的耐心，再见。"),
    )),
)  # fmt: skip

# The planted dialogues, as monitoring.demo_recordings.VARIANTS: (index of the clean dialogue
# they vary, what was planted, the turns); a third item of a turn is the quiet before it.
VARIANTS = (
    (0, (audio_events.LONG_SILENCE,), (
        SCRIPTS[0][1][0],
        SCRIPTS[0][1][1],
        (A, "我查一下。"),
        (A, SCRIPTS[0][1][2][1], audio_events.SILENCE_SECONDS),
        SCRIPTS[0][1][3],
    )),
    (5, (audio_events.LONG_HOLD,), (
        SCRIPTS[5][1][0],
        SCRIPTS[5][1][1],
        (A, "我确认一下，请您稍等。"),
        (A, "感谢您的耐心等待。小区有线路故障，今晚六点前恢复。再见。", audio_events.HOLD_SECONDS),
    )),
    (7, (audio_events.TALK_OVER,), (
        SCRIPTS[7][1][0],
        (C, "我姓李。我在考虑换运营商，别家更便宜，信号也比你们好。"),
        (A, SCRIPTS[7][1][2][1], audio_events.TALK_OVER_SECONDS),
        SCRIPTS[7][1][3],
    )),
    (3, (audio_events.NO_GREETING,), (
        (A, "先核实一下您的身份，邮编多少？"),
        *SCRIPTS[3][1][1:],
    )),
    (6, (audio_events.NO_CLOSING,), (
        *SCRIPTS[6][1][:3],
        (A, "优惠详情已经发到您的邮箱。"),
    )),
    (9, (audio_events.FORBIDDEN,), (
        SCRIPTS[9][1][0],
        SCRIPTS[9][1][1],
        (A, "错误扣费不归我管，你自己看着办。"),
        (C, "你这是什么态度？我要投诉。"),
        (A, "好吧，已经为您取消这笔费用。再见。"),
    )),
)  # fmt: skip
