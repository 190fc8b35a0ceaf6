"""The Chinese demo center's free texts for scoring (`seed_demo --locale zh-hans`): evaluators'
comments and summaries, agents' disputes and their decisions, calibration sessions' titles and
notes. The same tables as scoring/demo.py's and scoring/demo_calibration.py's English ones, of the
same lengths and order. Demo data, not translatable strings."""

from __future__ import annotations

from .models import DisputeStatus

# scoring/demo.py
COMMENTS_LOW = [
    "这一步漏掉了，请参照评分说明。",
    "客户把问题重复了两次。",
    "这里语气显得很仓促。",
    "没有按照标准流程操作，请复习。",
    "语速过快，客户没有听清。",
    "下次请先查阅知识库里的相关文章。",
]
COMMENTS_HIGH = ["处理得很好。", "这里的同理心表达很到位。", "很好，保持！", "标准的处理方式。"]
ROOT_CAUSES = [
    ("未按流程操作", True),
    ("业务知识不足", True),
    ("服务态度问题", True),
    ("系统故障或缓慢", False),
    ("知识库信息过期", False),
    ("电话掉线或转接错误", False),
]
SUMMARIES = [
    "整体通话扎实，请重点关注标注的几处。",
    "与客户沟通融洽。",
    "整体表现良好，注意细节。",
    "身份核实和结束语需要加强。",
    "",
]
DISPUTE_REASONS = [
    "客户拒绝身份验证，我按流程进行了升级处理。",
    "根据本月的政策更新，我提供的信息是正确的。",
    "我已经在通话结束前提供了后续步骤，请重新听录音。",
]
SELF_SUMMARY = "我觉得客户的担心我处理得比较好。"
DISPUTE_RESOLUTION = "已重新听取录音：维持原评分。"

# scoring/demo_calibration.py
AGREED = [
    "一起重听了这段录音，参考答案维持不变。",
    "一起朗读了评分说明并达成一致；这种情况需要补充一个示例。",
    "已一起重听录音片段，按参考答案统一标准。",
]
SESSION_NOTES = "每周三方监听会：主管、质检员和培训师对同一批通话进行盲评。"
MOST_DISCUSSED = "讨论最多：“{split}”。"
TITLE = "{line}校准会（{week}当周）"


# (outcome, what the agent says, what the reviewer decided)
DISPUTES = (
    (
        DisputeStatus.ADJUSTED,
        "我还没来得及结束通话客户就挂断了，没有机会询问是否还有其他需要。",
        "盲评复核：客户挂断导致无法询问，同理心表现也好于原评分。已调整。",
    ),
    (
        DisputeStatus.UPHELD,
        "我用两个问题核实了客户身份，请从头重新听一下录音。",
        "盲评复核：第二个核实问题始终没有问。维持原判。",
    ),
    (
        DisputeStatus.ADJUSTED,
        "我已经在通话结束前提供了后续步骤，请重新听录音。",
        "盲评复核：后续步骤已清楚说明，解决一项应为满分。已调整。",
    ),
    (
        DisputeStatus.UPHELD,
        "根据本月的政策更新，关于这笔费用的说明是正确的。",
        "政策更新从下月1日起生效，当时提供的信息有误。维持原判。",
    ),
)
