"""The demo center's reports: the month before its latest is closed (frozen, as HR was paid
from it) and the latest complete month's reports are generated, so every role's dashboard,
report list and HR export show real figures on first login."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from monitoring.demo_zh import LOCALE, is_zh

from .models import BonusBand, PerformanceComponent, ReportKind
from .selectors.periods import latest_month_with_data
from .services.close import month_close
from .services.generate import daily_summary_generate, reports_generate, weekly_summary_generate

# The starting performance score and bonus bands (migration 0002) as a Chinese center names
# them: the migration writes them once, in English, before anyone has chosen a language.
COMPONENT_NAMES_ZH = {
    "qa": "质检平均分",
    "csat": "客户满意度",
    "handle_time": "平均处理时间",
    "acw": "话后处理时间",
    "attendance": "出勤率（导入）",
}
BAND_NAMES_ZH = {
    "Outstanding": "优秀",
    "Good": "良好",
    "Fair": "合格",
    "Needs improvement": "待改进",
    "Below standard": "不达标",
}

# Team, line and center reports for every scope, and the demo agent's own: a reasonable seed time
# even for 2,000 agents (every agent's report is one `generate_reports --scope agents` away).
DEMO_KINDS = (ReportKind.CENTER, ReportKind.LINE, ReportKind.TEAM)


def seed_reports(*, org) -> dict[str, int]:
    manager = get_user_model().objects.get(username="manager")
    latest = latest_month_with_data()
    now = timezone.now()
    complete = latest if latest.end <= now else latest.previous
    closed = 0
    language = LOCALE if is_zh(org.locale) else None  # the Chinese center's reports are in Chinese
    if language:
        name_performance_setup_in_chinese()
    if complete.previous.end <= now:
        close = month_close(month=complete.previous, by=manager)
        closed = close.results.count()
    generated = reports_generate(month=complete, kinds=DEMO_KINDS, by=manager, language=language)
    generated += reports_generate(
        month=complete, kinds=(ReportKind.AGENT,), agents=[org.demo_agent], by=manager, language=language
    )
    last_week = org.weeks[-1]
    generated.append(weekly_summary_generate(week_start=last_week, by=manager, language=language))
    generated.append(daily_summary_generate(day=last_week + dt.timedelta(days=4), by=manager, language=language))
    return {f"frozen agent results ({complete.previous.label} closed)": closed, "reports generated": len(generated)}


def name_performance_setup_in_chinese() -> None:
    """Renames the default components and bands a manager has not renamed yet."""
    for code, name in COMPONENT_NAMES_ZH.items():
        PerformanceComponent.objects.filter(code=code).update(name=name)
    for english, name in BAND_NAMES_ZH.items():
        BonusBand.objects.filter(name=english).update(name=name)
