"""The Chinese demo center's texts (`seed_demo --locale zh-hans`, DESIGN.md §8): the same center as
monitoring/demo.py's English tables (same codes, weights and structure), named the way a
Chinese call center names its lines, sites, teams, shifts and service types (../shared/GLOSSARY.md).
Demo data, not translatable strings: the Chinese center's rows are written in Chinese."""

from __future__ import annotations

from . import audio

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
# Mandarin (espeak-ng's `cmn` voice) where installed, generated tones beside these transcripts otherwise.
A, C = audio.AGENT, audio.CUSTOMER
SCRIPTS = (
    ("billing", (
        (A, "您好，账务中心，我是小丽，请问有什么可以帮您？"),
        (C, "我这个月的账单比平时高了很多。"),
        (A, "我看到上周您出差产生了一笔国际漫游费，差额就是这笔费用。"),
        (A, "请问还有其他问题吗？感谢您的来电，再见。"),
    )),
    ("billing", (
        (A, "下午好，账务中心，我是小凯。请提供一下您的账户号码。"),
        (C, "号码是四五一二。这期账单可以分两次缴吗？"),
        (A, "可以。已为您办理分期，今天缴一半，三十号缴另一半，不收滞纳金。"),
        (A, "稍后会有短信确认。再见。"),
    )),
    ("billing", (
        (A, "您好，账单中心，我是小王，请问有什么可以帮您？"),
        (C, "我上个月被重复扣费了，想申请退款。"),
        (A, "确实有一笔重复扣款，已经为您提交退款，三到五个工作日到账。"),
        (A, "感谢您的来电，再见。"),
    )),
    ("tech-support", (
        (A, "您好，技术支持，我是小杰。请问遇到了什么问题？"),
        (C, "我家的宽带每天晚上都会断线。"),
        (A, "已经为您重置了线路并升级了路由器，挂机后请重启一下路由器。"),
        (A, "如果再断线，请报工单号四四七。再见。"),
    )),
    ("tech-support", (
        (A, "您好，技术支持，我是小雪，请问有什么可以帮您？"),
        (C, "我的新手机收不了邮件。"),
        (A, "请打开设置，点账户，添加账户，密码用欢迎信里的那个。"),
        (A, "我这边看到已经连接成功了。再见。"),
    )),
    ("tech-support", (
        (A, "您好，技术支持，我是小李。请问遇到了什么问题？"),
        (C, "我家从中午开始就上不了网了。"),
        (A, "非常抱歉，您所在的小区有线路故障，预计今晚六点前恢复。"),
        (A, "恢复后会发短信通知您。再见。"),
    )),
    ("sales", (
        (A, "您好，销售热线，我是小燕，请问有什么可以帮您？"),
        (C, "我的合约下个月到期，想要更多流量。"),
        (A, "您可以办理五十G的套餐，价格不变，还可以免费换新手机。"),
        (A, "优惠详情已经发到您的邮箱。再见。"),
    )),
    ("sales", (
        (A, "您好，我是销售部的小刚，想跟您聊聊合约续约的事。"),
        (C, "我在考虑换运营商，别家更便宜。"),
        (A, "如果您继续使用，一年内可以享受八折，流量翻倍。"),
        (A, "今天会把详情发到您的邮箱。谢谢您，再见。"),
    )),
    ("sales", (
        (A, "您好，销售热线，我是小陈，请问有什么可以帮您？"),
        (C, "我刚搬家，想办一个宽带套餐。"),
        (A, "三百兆的套餐每月九十九元，首月免费，还包安装。"),
        (A, "已经为您预约了明天上午安装。再见。"),
    )),
    ("complaints", (
        (A, "您好，客户关系部，我是小红。了解到您有投诉，请您讲。"),
        (C, "一笔错误扣费我打了三次电话，到现在都没处理。"),
        (A, "非常抱歉。已经为您取消这笔费用并补偿了话费，周五我会回访您。"),
        (A, "感谢您给我们改正的机会。"),
    )),
)  # fmt: skip
