"""The demo's free texts for scoring (scoring/demo.py, scoring/demo_calibration.py): evaluators'
comments and summaries, agents' disputes and their decisions, calibration sessions' titles and
notes. The Chinese center (`seed_demo --locale zh-hans`) has the same tables, of the same lengths
and order, in scoring/demo_texts_zh.py; `for_org` picks the center's. Demo data, not translatable
strings."""

from __future__ import annotations

import sys
from types import ModuleType

from monitoring.demo import DemoOrg
from monitoring.demo_zh import is_zh

from . import demo_texts_zh
from .models import DisputeStatus


def for_org(org: DemoOrg) -> ModuleType:
    """This module, or scoring/demo_texts_zh.py for the Chinese center: the same names."""
    return demo_texts_zh if is_zh(org.locale) else sys.modules[__name__]


# scoring/demo.py
COMMENTS_LOW = [
    "Missed this step; see the guidance.",
    "Customer had to repeat the question twice.",
    "Sounded rushed here.",
    "没有按照标准流程操作，请复习。",
    "语速过快，客户没有听清。",
    "Check the knowledge base article on this next time.",
]
COMMENTS_HIGH = ["Nicely done.", "Great empathy here.", "很好，保持！", "Textbook handling."]
# The scorecard's root causes: (text, within the agent's control). The process's causes are the
# ones call centers name most: systems, stale knowledge, routing and policy.
ROOT_CAUSES = [
    ("Did not follow the procedure", True),
    ("Knowledge gap", True),
    ("Manner or attitude", True),
    ("System down or slow", False),
    ("Knowledge base out of date", False),
    ("Call dropped or misrouted", False),
]
SUMMARIES = [
    "Solid call overall; focus on the points marked.",
    "Good rapport with the customer.",
    "整体表现良好，注意细节。",
    "Needs work on verification and closing.",
    "",
]
DISPUTE_REASONS = [
    "The customer refused verification and I escalated as the procedure says.",
    "The information was correct according to the policy update of this month.",
    "我已经在通话结束前提供了后续步骤，请重新听录音。",
]
SELF_SUMMARY = "I think I handled the customer's worry well."
DISPUTE_RESOLUTION = "Listened again: the evaluation stands."

# scoring/demo_calibration.py
AGREED = [
    "Listened to the passage again together; the reference answers stand as recorded.",
    "We read the guidance text aloud and agreed; it needs an example for this case.",
    "已一起重听录音片段，按参考答案统一标准。",
]
SESSION_NOTES = "Weekly three-party session: supervisor, QA and trainer score the same calls blind."
MOST_DISCUSSED = "Most discussed: “{split}”. "
TITLE = "{line} calibration, week of {week}"

# (outcome, what the agent says, what the reviewer decided)
DISPUTES = (
    (
        DisputeStatus.ADJUSTED,
        "The customer hung up before I could close the call; I had no chance to offer further help.",
        "Re-scored blind: the closing could not be offered and the empathy was better than marked. Adjusted.",
    ),
    (
        DisputeStatus.UPHELD,
        "I verified the customer with two questions, please listen again from the start.",
        "Listened again, blind: the second verification question was never asked. The score stands.",
    ),
    (
        DisputeStatus.ADJUSTED,
        "我已经在通话结束前提供了后续步骤，请重新听录音。",
        "盲评复核：后续步骤已清楚说明，解决一项应为满分。已调整。",
    ),
    (
        DisputeStatus.UPHELD,
        "The information about the fee was correct according to this month's policy update.",
        "The policy update applies from the 1st of next month; the information given was wrong. Upheld.",
    ),
)
