"""`manage.py seed_demo`: load a realistic demo call center into an empty database (DESIGN.md §8).

This command only orchestrates; each app seeds its own data in <app>/demo.py, lower apps first
(monitoring → scoring → coaching), each step receiving what the previous ones returned. It lives
in the project package because it may import every app, which no app may do.
"""

from __future__ import annotations

import contextlib
import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from tqdm import tqdm

from coaching import demo as coaching_demo
from monitoring import demo as monitoring_demo
from monitoring import demo_analysis, demo_recordings, demo_zh
from planning import demo as planning_demo
from qa_platform.models import LanguagePreference
from reports import demo as reports_demo
from scoring import demo as scoring_demo
from scoring import demo_calibration as calibration_demo

ALREADY_LOADED = "Database already has data; demo data not loaded."
LOGIN_NOTES = {
    "manager": "center manager; staff, may open /admin/",
    "qa": "QA auditor",
    "supervisor": "supervisor",
    "trainer": "trainer",
    "hr": "HR (bonus export)",
    "agent": "agent",
}


class Command(BaseCommand):
    help = (
        "Load a demo call center (sites, lines of business, teams, shifts, agents, calls with KPIs and "
        "generated recordings, demo logins with password 'demo') into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agents", type=int, default=60, help="Agents (default 60).")
        parser.add_argument("--weeks", type=int, default=6, help="Full weeks of calls up to this week (default 6).")
        parser.add_argument(
            "--calls-per-agent-week", type=int, default=20, help="Calls per agent and week, ±30%% (default 20)."
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed; the same seed gives the same data.")
        parser.add_argument(
            "--locale",
            choices=demo_zh.LOCALES,
            default="en",
            help="The demo center's language: en (default) or zh-hans, a Chinese center (Chinese names, "
            "scorecard, transcripts, Mandarin recordings) whose demo logins see Chinese pages.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) if the database already has data, instead of failing.",
        )

    def handle(self, *args, agents, weeks, calls_per_agent_week, seed, if_empty, verbosity, locale="en", **options):
        if agents < monitoring_demo.MIN_TEAMS:
            raise CommandError(f"--agents must be at least {monitoring_demo.MIN_TEAMS} (the demo has that many teams).")
        if weeks < 1 or calls_per_agent_week < 1:
            raise CommandError("--weeks and --calls-per-agent-week must be at least 1.")
        started = time.monotonic()
        # The Chinese center is written in Chinese throughout, also where a seeder takes a text
        # from the catalog (labels, generated reports); the English one as it always was.
        language = translation.override(demo_zh.LOCALE) if demo_zh.is_zh(locale) else contextlib.nullcontext()
        with transaction.atomic(), language:
            if monitoring_demo.database_has_data():
                if if_empty:
                    self.stdout.write(ALREADY_LOADED)
                    return
                raise CommandError(
                    "The database already has data (agents, teams, calls or demo users). seed_demo only loads "
                    "into an empty database: use a fresh one, or `manage.py flush` first. "
                    "With --if-empty it leaves a loaded database alone."
                )
            rng = random.Random(seed)
            try:
                org = monitoring_demo.seed_monitoring(
                    rng=rng,
                    agents=agents,
                    weeks=weeks,
                    calls_per_agent_week=calls_per_agent_week,
                    progress=self._progress_factory(verbosity),
                    locale=locale,
                )
            except monitoring_demo.DemoDataConflict as exc:
                raise CommandError(f"{exc} seed_demo only loads into an empty database.") from exc
            # Before scoring: the history's evaluations carry what the analysis suggested.
            analysis = demo_analysis.seed_analysis(org)
            scoring = scoring_demo.seed_scoring(rng=rng, org=org, progress=self._progress_factory(verbosity))
            org.counts.update(scoring.counts)
            org.counts.update(calibration_demo.seed_calibration(rng=rng, org=org))
            # Before planning: this week's tiers put agents on an open plan at risk.
            org.counts.update(coaching_demo.seed_coaching(rng=rng, org=org))
            org.counts.update(planning_demo.seed_planning(rng=rng, org=org))
            org.counts.update(reports_demo.seed_reports(org=org))
            if demo_zh.is_zh(locale):  # every demo login sees Chinese pages
                LanguagePreference.objects.bulk_create(
                    [LanguagePreference(user=user, language=demo_zh.LOCALE) for user in org.users.values()]
                )
        if verbosity:
            self._summary(org, time.monotonic() - started, analysis)

    def _progress_factory(self, verbosity: int) -> monitoring_demo.ProgressFactory:
        stream = getattr(self.stderr, "_out", sys.stderr)
        disable = verbosity == 0 or not (hasattr(stream, "isatty") and stream.isatty())

        def factory(total: int, desc: str) -> monitoring_demo.Progress:
            return tqdm(
                total=total, desc=desc, unit=" calls", unit_scale=True, file=stream, disable=disable, leave=False
            )

        return factory

    def _summary(self, org: monitoring_demo.DemoOrg, elapsed: float, analysis: demo_analysis.DemoAnalysis) -> None:
        out = self.stdout
        first, last = org.weeks[0], org.weeks[-1]
        out.write(
            f"Demo center loaded in {elapsed:.1f} s: weeks {first:%G-W%V} to {last:%G-W%V} "
            f"({org.period_start:%Y-%m-%d} to {org.period_end:%Y-%m-%d}, exclusive)."
        )
        width = max(len(label) for label in org.counts)
        for label, count in org.counts.items():
            out.write(f"  {label:<{width}}  {count:>9,}")
        spoken = sum(r.synthesized for r in org.recordings)
        planted = sum(bool(r.events) for r in org.recordings)
        megabytes = sum(r.size for r in org.recordings) / 1e6
        out.write(
            f"  recordings: {spoken} spoken by espeak-ng, {len(org.recordings) - spoken} speech-like stand-ins "
            f"({planted} with planted events; two channels, {megabytes:.1f} MB), under {demo_recordings.POOL_DIR}/"
        )
        out.write(f"  automatic QA: {analysis.summary()}")
        agent = org.demo_agent
        supervised = ", ".join(
            team.name for team in org.teams if org.users["supervisor"] in org.team_supervisors[team.pk]
        )
        notes = dict(LOGIN_NOTES)
        notes["agent"] = f"agent {agent.name} ({agent.employee_id}, {agent.team.name})"
        notes["supervisor"] = f"supervisor of {supervised}"
        out.write("")
        out.write(self.style.SUCCESS(f"Demo logins (password: {monitoring_demo.DEMO_PASSWORD}):"))
        for username in monitoring_demo.DEMO_LOGINS:
            out.write(f"  {username:<10} / {monitoring_demo.DEMO_PASSWORD}   {notes[username]}")
