"""The Chinese demo center's coaching texts (`seed_demo --locale zh-hans`): the same tables as the
English ones in coaching/demo/*.py (same keys, lengths and order), in the words a Chinese center's
trainers and supervisors write (../shared/GLOSSARY.md). Demo data, not translatable strings."""

from __future__ import annotations

from monitoring.demo import DemoOrg
from monitoring.demo_zh import is_zh

from ..models import SessionKind


def zh(org: DemoOrg) -> bool:
    return is_zh(org.locale)


# plans.py
PLAN_TITLE = "辅导计划：{c}"
NOTES = {
    SessionKind.SIDE_BY_SIDE: "现场旁听了几通电话；约定结束通话前先做总结。",
    SessionKind.ONE_TO_ONE: "逐条过了被扣分的评估和评分说明，并练习了标准话术。",
    SessionKind.RECORDING_REVIEW: "一起听了两通录音和案例库里的示范录音。",
}
PROPOSAL = (
    "评估显示在“{c}”一项上有失分。请学习评分说明，收听案例库中的示范录音，并在每通电话中落实；"
    "后续的跟踪监听将专门检查这一项。"
)
OUTCOMES = ("现在已能稳定做到；繁忙时段仍需留意。", "有明显改进；一个月后安排一次复训。")

# library.py
EXEMPLARY_TITLE = "优秀案例：{what}"
CAUTIONARY_TITLE = "警示案例：{what}"
WHOLE_CALL = "整通电话"
EXEMPLARY_NOTES = {
    "etiquette": "开场和结束语热情、完整：新员工学习的范本。",
    "communication": "注意座席在解决问题之前如何先回应客户的不满情绪。",
    "knowledge": "信息准确、自信、毫不犹豫：座席先核实，再回答。",
    "compliance": "每一项告知都在恰当的时机读出，而且听起来自然不生硬。",
    "resolution": "首次来电即解决问题，并告知客户接下来会发生什么。",
}
CAUTIONARY_NOTES = {
    "etiquette": "通话结束得很突然：没有总结，也没有致谢。注意客户的感受。",
    "communication": "座席在这里打断了客户；客户把话重复了两遍。",
    "knowledge": "这里提供的信息是错误的；请与知识库文章对照。",
    "compliance": "这里跳过了身份核实：存在合规风险。",
    "resolution": "客户没有得到任何后续安排；回拨一次本可以解决问题。",
}

# needs.py
HELD_LOCATION = "一号培训室"
HELD_MATERIALS = "先听两通案例库录音，再两人一组就该评分细则做角色扮演；参照评估标准中的评分说明。"
PLANNED_LOCATION = "二号培训室"
PLANNED_MATERIALS = "该评分细则的评分说明，以及案例库中的三通优秀录音。"

# reviews.py: (interests, skills, career direction, summary, [(next step, days from the conversation)])
CONVERSATIONS = [
    (
        "喜欢教学和讲解；有教师资格证，平时会非正式地带新员工。",
        "讲解耐心、条理清晰，面对难缠的客户也很冷静。",
        "向培训岗位发展：先协助讲授入职培训课程，再独立负责复训。",
        "在一线接听电话三年后感到身心俱疲，通话量让人疲惫。帮助同事时很有热情。约定逐步转向培训团队。",
        [
            ("跟随培训师旁听两次入职培训", 21),
            ("协助讲授“开场与结束语”课程模块", 45),
            ("旁听期间将排班减少为每周四天", 14),
        ],
    ),
    (
        "对技术和账务系统的内部运作很感兴趣。",
        "产品知识扎实；系统操作熟练。",
        "二线技术支持。",
        "希望处理更复杂的案例。约定每周抽一个下午处理升级工单。",
        [("每周四下午处理升级工单", 30), ("完成高级账务课程", 60)],
    ),
    (
        "关注人与团队管理。",
        "深受组员信任；质检成绩稳定。",
        "一年内成为班长。",
        "已准备好承担更多责任。约定主持班组晨会，并代理主管的抽查工作。",
        [("主持每周一的班组晨会", 14), ("代理主管抽查工作一周", 40)],
    ),
    (
        "喜欢语言；晚上在进修英语。",
        "语气亲切；同理心得分明显高于班组平均。",
        "暂时继续做座席；以后加入英语服务专线。",
        "对目前岗位很满意。约定英语课程结束后尝试接听英语电话。",
        [("完成晚间英语课程", 90)],
    ),
]
