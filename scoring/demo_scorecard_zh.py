"""The Chinese demo center's scorecard (`seed_demo --locale zh-hans`): scoring/demo_scorecard.py's
standard written as a Chinese center's evaluation standard (评估标准), with the same sections,
weights, kinds, points, categories, not-applicable and critical flags, in the same order.
Demo data, not translatable strings."""

from __future__ import annotations

SCORECARD_NAME = "客户服务质检评估标准"
DESCRIPTION = "适用于各业务线的统一质检标准：礼貌用语、沟通技巧、业务知识、合规与问题解决。"
V2_NOTES = "在沟通技巧中新增等待礼仪。"

# (section title, weight, [(text, guidance, kind, k, points, category, allow_na, critical[, auto_source])])
V1_SECTIONS = [
    (
        "礼貌用语",
        20,
        [
            (
                "开场报工号及公司名称",
                "接通后5秒内完成标准开场白。",
                "yes_no",
                1,
                5,
                "etiquette",
                False,
                False,
                "rule:greeting",
            ),
            (
                "核实客户身份",
                "提供任何账户信息前，须完成两项身份验证。",
                "yes_no",
                1,
                5,
                "compliance",
                False,
                True,
            ),
            (
                "礼貌结束通话，主动询问是否还有其他需要",
                "",
                "yes_no",
                1,
                5,
                "etiquette",
                False,
                False,
                "rule:closing",
            ),
        ],
    ),
    (
        "沟通技巧",
        25,
        [
            ("积极倾听，表达同理心", "0 完全没有 … 4 非常出色。", "scale", 4, 10, "communication", True, False),
            ("表达清晰，不使用专业术语", "0 含糊不清 … 4 清楚明了。", "scale", 4, 10, "communication", False, False),
        ],
    ),
    (
        "业务知识",
        20,
        [
            (
                "提供的信息准确、完整",
                "资费、条款或故障处理方法有任何错误即为不合格。",
                "yes_no",
                1,
                10,
                "knowledge",
                False,
                True,
            ),
            ("熟练使用知识库和系统工具", "0 完全不会 … 3 运用熟练。", "scale", 3, 10, "knowledge", False, False),
        ],
    ),
    (
        "合规",
        15,
        [
            (
                "遵守个人信息保护话术",
                "告知客户通话录音；不得完整读出银行卡号。",
                "yes_no",
                1,
                10,
                "compliance",
                False,
                True,
            ),
            ("正确记录通话处理结果", "", "yes_no", 1, 5, "compliance", False, False),
        ],
    ),
    (
        "问题解决",
        20,
        [
            (
                "解决客户问题或明确告知后续步骤",
                "0 未解决 … 4 首次来电即解决。",
                "scale",
                4,
                10,
                "resolution",
                False,
                False,
            ),
            ("推荐合适的方案或产品", "仅在符合客户需求时推荐。", "yes_no", 1, 5, "resolution", True, False),
        ],
    ),
]
# v2 adds a hold-etiquette criterion to 沟通技巧, as the English scorecard's v2 does to Communication.
V2_EXTRA = ("沟通技巧", ("让客户等待前征得同意，等待后致谢", "", "yes_no", 1, 5, "etiquette", True, False))
