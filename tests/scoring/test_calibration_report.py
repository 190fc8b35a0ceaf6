"""The calibration session report (issue 9): each participant against the consensus, the spread
and agreement per criterion, alpha and ICC(2,1) on the totals, and `participant_offsets` over
closed sessions. Every figure is checked against a computation written here (the formula by
hand, numpy, and the `krippendorff` package)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from html.parser import HTMLParser

import krippendorff
import numpy as np
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from scipy import stats as scipy_stats

from scoring import services
from scoring.formula import NA
from scoring.models import SessionStatus
from scoring.selectors_calibration import participant_offsets, session_report
from tests import factories as f
from tests.scoring.calibration_helpers import make_session, score_item, session_calls
from tests.scoring.factories import ScoringPersonas, answer_inputs

# The worked-example scorecard (tests/scoring/factories.py), written out again for the hand sums.
SECTIONS = [(30, ("greeting", "closing")), (30, ("empathy", "clarity")), (40, ("correct_information", "resolved"))]
POINTS = {"greeting": 5, "closing": 5, "empathy": 10, "clarity": 10, "correct_information": 10, "resolved": 10}
SCALE = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
YES_NO = ("greeting", "closing", "correct_information", "resolved")


def row(g, c, e, cl, ci, r):
    return {"greeting": g, "closing": c, "empathy": e, "clarity": cl, "correct_information": ci, "resolved": r}


# Four calls: the consensus, and participants of different strictness.
CONSENSUS = [row(1, 1, 3, 3, 1, 1), row(1, 0, 2, 4, 1, 0), row(0, 1, NA, 2, 1, 1), row(1, 1, 4, 3, 1, 1)]
SCORES = {
    "trainer": [row(1, 1, 4, 4, 1, 1), row(1, 1, 3, 4, 1, 1), row(1, 1, 3, 3, 1, 1), row(1, 1, 4, 4, 1, 1)],
    "qa2": [row(1, 1, 3, 3, 1, 1), row(1, 0, 3, 4, 1, 0), row(0, 1, NA, 2, 1, 1), row(1, 0, 4, 3, 1, 1)],
    "supervisor": [row(0, 1, 2, NA, 1, 1), row(1, 0, 1, 3, 1, 0), row(0, 0, 1, 1, 1, 0), row(1, 1, 3, 2, 1, 0)],
    # Scores the first two calls only: counted in alpha (missing values), left out of the ICC.
    "qa3": [row(1, 1, 3, 2, 1, 1), row(0, 0, 2, 4, 1, 0), None, None],
}


def hand_total(values: dict) -> Decimal:
    """DESIGN.md §2 by hand: section ratio over its answered criteria, weighted by section."""
    weighted = weights = Decimal(0)
    for weight, keys in SECTIONS:
        answered = [k for k in keys if values[k] != NA]
        if not answered:
            continue
        earned = sum(Decimal(POINTS[k]) * values[k] / SCALE[k] for k in answered)
        weighted += weight * earned / sum(POINTS[k] for k in answered)
        weights += weight
    return (100 * weighted / weights).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def expected_participant(name: str, consensus=CONSENSUS) -> dict:
    deviations, cells, per_criterion = [], [], {k: [] for k in POINTS}
    for values, ref in zip(SCORES[name], consensus, strict=True):
        if values is None or ref is None:
            continue
        deviations.append(float(hand_total(values) - hand_total(ref)))
        for k in POINTS:
            if values[k] == NA or ref[k] == NA:
                continue
            alignment = 1 - abs(values[k] - ref[k]) / SCALE[k]
            cells.append((POINTS[k], alignment))
            per_criterion[k].append((POINTS[k] * (values[k] - ref[k]) / SCALE[k], alignment))
    weights = np.array([p for p, _a in cells], dtype=float)
    return {
        "n": len(deviations),
        "mean_signed": float(np.mean(deviations)),
        "mean_abs": float(np.mean(np.abs(deviations))),
        "sd": float(np.std(deviations, ddof=1)),
        "alignment": float(np.average([a for _p, a in cells], weights=weights)),
        "n_cells": len(cells),
        "deviations": deviations,
        "exact_mean_signed": Fraction(sum(Fraction(str(d)) for d in deviations), len(deviations)),
        "exact_alignment": sum(Fraction(p) * Fraction(a).limit_denominator(8) for p, a in cells)
        / sum(p for p, _a in cells),
        "per_criterion": per_criterion,
    }


def one_decimal(exact: Fraction) -> str:
    """An exact figure to one decimal, half away from zero."""
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def expected_criterion(key: str, consensus=CONSENSUS) -> dict:
    sds, ranges, aligns = [], [], []
    for i, ref in enumerate(consensus):
        answers = [s[i][key] for s in SCORES.values() if s[i] is not None and s[i][key] != NA]
        normalised = np.array(answers, dtype=float) / SCALE[key]
        if len(normalised) >= 2:
            sds.append(np.std(normalised, ddof=1))
            ranges.append(normalised.max() - normalised.min())
        if ref is None or ref[key] == NA:
            continue
        aligns += [1 - abs(a - ref[key]) / SCALE[key] for a in answers]
    data = np.array(
        [
            [np.nan if s[i] is None or s[i][key] == NA else s[i][key] for i in range(len(consensus))]
            for s in SCORES.values()
        ]
    )
    try:
        alpha = krippendorff.alpha(data, level_of_measurement="nominal" if key in YES_NO else "ordinal")
    except ValueError:  # a single value in the domain: alpha is undefined
        alpha = None
    return {
        "n_calls": len(sds),
        "spread_sd": float(np.mean(sds)),
        "spread_range": float(np.mean(ranges)),
        "alignment": float(np.mean(aligns)) if aligns else None,
        "n_alignment": len(aligns),
        "alpha": alpha,
    }


def totals_matrix() -> np.ndarray:
    """participants × calls, NaN where a participant did not score the call."""
    return np.array([[np.nan if v is None else float(hand_total(v)) for v in s] for s in SCORES.values()])


def hand_icc21(data: np.ndarray) -> tuple[float, float, float]:
    """ICC(2,1) of targets × raters with McGraw & Wong's (1996) interval, written out with numpy."""
    n, k = data.shape
    grand = data.mean()
    msr = k * ((data.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    msc = n * ((data.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    sse = ((data - data.mean(axis=1, keepdims=True) - data.mean(axis=0, keepdims=True) + grand) ** 2).sum()
    mse = sse / ((n - 1) * (k - 1))
    value = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    a, b = k * value / (n * (1 - value)), 1 + k * value * (n - 1) / (n * (1 - value))
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    fu, fl = scipy_stats.f.ppf(0.975, n - 1, v), scipy_stats.f.ppf(0.975, v, n - 1)
    low = n * (msr - fu * mse) / (fu * (k * msc + (k * n - k - n) * mse) + n * msr)
    high = n * (fl * msr - mse) / (k * msc + (k * n - k - n) * mse + n * fl * msr)
    return value, low, high


def run_session(*, by, calls, scores: dict, consensus: list, close: bool = True, title: str = "Week 47 calibration"):
    """A session through the services: every participant's scores (None: not scored), the reveal,
    the consensus where given, and the close."""
    session = make_session(by=by, calls=calls, participants=list(scores), title=title)
    items = list(session.items.order_by("position", "pk"))
    for user, per_call in scores.items():
        for item, values in zip(items, per_call, strict=True):
            if values is not None:
                score_item(item, user, values)
    services.calibration_reveal(session=session, by=by)
    for item, values in zip(items, consensus, strict=True):
        if values is not None:
            services.calibration_record_consensus(item=item, by=by, answers=answer_inputs(item.version, values))
    if close:
        services.calibration_close(session=session, by=by)
    session.refresh_from_db()
    return session


def report_people(personas) -> dict:
    """The scenario's participants (the trainer has a Chinese name)."""
    personas.trainer.first_name, personas.trainer.last_name = "伟", "张"
    personas.trainer.save()
    personas.qa3 = f.UserFactory(username="qa3", roles=["qa"], first_name="Mei", last_name="Lin")
    return {"trainer": personas.trainer, "qa2": personas.qa2, "supervisor": personas.supervisor, "qa3": personas.qa3}


def build_report_session(personas, *, consensus=CONSENSUS, close=True):
    people = report_people(personas)
    calls = session_calls(personas, n=len(consensus))
    scores = {people[name]: per_call for name, per_call in SCORES.items()}
    return run_session(by=personas.qa, calls=calls, scores=scores, consensus=consensus, close=close)


class _Attributes(HTMLParser):
    """Every start tag's attributes, in order (the report's data- attributes)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def by(self, name: str) -> list[dict]:
        return [a for _t, a in self.tags if name in a]

    def element(self, id_: str) -> dict | None:
        return next((a for _t, a in self.tags if a.get("id") == id_), None)


class SessionReportTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.session = build_report_session(cls)
        cls.names = {"trainer": "张伟", "qa2": "qa2", "supervisor": "supervisor", "qa3": "Mei Lin"}

    def setUp(self):
        self.report = session_report(self.session)
        self.rows = {p.person.username: p for p in self.report.participants}

    def test_each_participants_deviation_from_the_consensus_is_their_total_minus_its(self):
        self.assertEqual(list(self.rows), ["trainer", "qa2", "supervisor", "qa3"])
        for name in SCORES:
            with self.subTest(name):
                p, want = self.rows[name], expected_participant(name)
                self.assertEqual(p.person.name, self.names[name])
                self.assertEqual(p.n, want["n"])
                self.assertAlmostEqual(p.mean_signed, want["mean_signed"], places=9)
                self.assertAlmostEqual(p.mean_abs, want["mean_abs"], places=9)
                half = scipy_stats.t.ppf(0.975, want["n"] - 1) * want["sd"] / np.sqrt(want["n"])
                self.assertAlmostEqual(p.interval[0], want["mean_signed"] - half, places=9)
                self.assertAlmostEqual(p.interval[1], want["mean_signed"] + half, places=9)
                self.assertEqual(p.within_tolerance, want["mean_abs"] <= 5)
                self.assertEqual(
                    [c.deviation for c in p.calls if c.deviation is not None], pytest.approx(want["deviations"])
                )
        # The lenient trainer is above the consensus, the strict supervisor below and outside ±5.
        self.assertGreater(self.rows["trainer"].mean_signed, 0)
        self.assertLess(self.rows["supervisor"].mean_signed, -5)
        self.assertFalse(self.rows["supervisor"].within_tolerance)
        self.assertTrue(self.rows["qa2"].within_tolerance)

    def test_per_call_tolerance_marks_each_score(self):
        for call_index, row_ in enumerate(self.report.calls):
            self.assertEqual(row_.consensus_total, float(hand_total(CONSENSUS[call_index])))
            for name, cell in zip(SCORES, row_.cells, strict=True):
                values = SCORES[name][call_index]
                if values is None:
                    self.assertIsNone(cell.total)
                    continue
                deviation = float(hand_total(values) - hand_total(CONSENSUS[call_index]))
                self.assertAlmostEqual(cell.deviation, deviation, places=9)
                self.assertEqual(cell.within_tolerance, abs(deviation) <= 5)
            totals = [float(hand_total(s[call_index])) for s in SCORES.values() if s[call_index] is not None]
            self.assertAlmostEqual(row_.sd, float(np.std(totals, ddof=1)), places=9)
            self.assertEqual((row_.low, row_.high), (min(totals), max(totals)))

    def test_alignment_is_weighted_by_points_and_skips_na(self):
        for name in SCORES:
            with self.subTest(name):
                want = expected_participant(name)
                self.assertAlmostEqual(self.rows[name].alignment, want["alignment"], places=9)
                self.assertEqual(self.rows[name].n_cells, want["n_cells"])
        # The supervisor's N/A on clarity (call 1) and the consensus's N/A on empathy (call 3) drop out:
        # 4 calls × 6 criteria − 1 − 1.
        self.assertEqual(self.rows["supervisor"].n_cells, 22)

    def test_each_participants_deviation_per_criterion(self):
        for name in SCORES:
            per = expected_participant(name)["per_criterion"]
            for key, criterion in self.criteria.items():
                with self.subTest(name=name, criterion=key):
                    got = self.rows[name].criteria[criterion.pk]
                    self.assertEqual(got.n, len(per[key]))
                    self.assertAlmostEqual(got.mean_signed, np.mean([d for d, _a in per[key]]), places=9)
                    self.assertAlmostEqual(got.mean_abs, np.mean([abs(d) for d, _a in per[key]]), places=9)
                    self.assertAlmostEqual(got.alignment, np.mean([a for _d, a in per[key]]), places=9)

    def test_spread_alignment_and_alpha_per_criterion(self):
        by_id = {c.criterion_id: c for c in self.report.criteria}
        for key, criterion in self.criteria.items():
            with self.subTest(key):
                got, want = by_id[criterion.pk], expected_criterion(key)
                self.assertEqual(got.n_calls, want["n_calls"])
                self.assertAlmostEqual(got.spread_sd, want["spread_sd"], places=9)
                self.assertAlmostEqual(got.spread_range, want["spread_range"], places=9)
                self.assertAlmostEqual(got.alignment, want["alignment"], places=9)
                self.assertEqual(got.n_alignment, want["n_alignment"])
                self.assertEqual(got.alpha_level, "nominal" if key in YES_NO else "ordinal")
                if want["alpha"] is None:  # everyone said yes to correct information: no variation
                    self.assertIsNone(got.alpha.value)
                    self.assertIsNotNone(got.alpha.reason)
                else:
                    self.assertAlmostEqual(got.alpha.value, want["alpha"], places=9)

    def test_the_criteria_that_split_raters_most_come_first(self):
        want = {k: expected_criterion(k) for k in POINTS}
        order = sorted(POINTS, key=lambda k: (want[k]["alignment"], -want[k]["spread_sd"]))
        self.assertEqual([c.criterion_id for c in self.report.criteria], [self.criteria[k].pk for k in order])
        self.assertEqual(order[-1], "correct_information")  # everyone agrees on it: last
        self.assertEqual([c.criterion_id for c in self.report.criteria_in_order], [self.criteria[k].pk for k in POINTS])

    def test_alpha_on_totals_matches_the_krippendorff_package(self):
        alpha = self.report.totals.alpha
        self.assertAlmostEqual(alpha.value, krippendorff.alpha(totals_matrix(), level_of_measurement="interval"), 9)
        self.assertEqual((alpha.n_units, self.report.totals.raters), (4, 4))
        self.assertLessEqual(alpha.low, alpha.high)
        self.assertIsNotNone(alpha.band)

    def test_icc_uses_the_participants_who_scored_every_call(self):
        totals = self.report.totals
        complete = totals_matrix()[:3].T  # calls × (trainer, qa2, supervisor); qa3 scored two calls
        value, low, high = hand_icc21(complete)
        self.assertEqual((totals.icc_raters, totals.icc.n_raters, totals.icc.n_targets), (3, 3, 4))
        self.assertAlmostEqual(totals.icc.value, value, places=9)
        self.assertAlmostEqual(totals.icc.low, low, places=9)
        self.assertAlmostEqual(totals.icc.high, high, places=9)

    def test_the_page_partial_carries_the_figures(self):
        html = render_to_string("scoring/calibration/_report.html", {"report": self.report})
        tags = _Attributes(html)
        self.assertIsNotNone(tags.element("report-participants"))
        self.assertIsNotNone(tags.element("report-criteria"))
        rows = {a["data-participant"]: a for a in tags.by("data-participant")}
        for name in SCORES:
            want = expected_participant(name)
            self.assertEqual(rows[name]["data-deviation"], one_decimal(want["exact_mean_signed"]))
            self.assertEqual(rows[name]["data-alignment"], one_decimal(100 * want["exact_alignment"]))
        alpha = krippendorff.alpha(totals_matrix(), level_of_measurement="interval")
        self.assertEqual(tags.element("report-alpha")["data-value"], f"{alpha:.3f}")
        self.assertIn(reverse("calibration-report-pdf", args=[self.session.pk]), html)
        self.assertIn("张伟", html)
        self.assertIn("n = ", html)

    def test_the_report_costs_the_same_queries_whatever_its_size(self):
        with self.assertNumQueries(6):
            session_report(self.session)
        small = run_session(
            by=self.qa,
            calls=session_calls(self, n=1),
            scores={self.qa2: [CONSENSUS[0]], self.trainer: [CONSENSUS[1]]},
            consensus=[CONSENSUS[0]],
            title="small",
        )
        with self.assertNumQueries(6):
            session_report(small)


class PendingConsensusTests(ScoringPersonas):
    """Revealed, with the consensus of two calls of four recorded so far."""

    CONSENSUS_SO_FAR = [CONSENSUS[0], CONSENSUS[1], None, None]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.session = build_report_session(cls, consensus=cls.CONSENSUS_SO_FAR, close=False)

    def test_deviations_count_only_calls_with_a_consensus(self):
        self.assertEqual(self.session.status, SessionStatus.REVEALED)
        report = session_report(self.session)
        self.assertTrue(report.pending)
        self.assertFalse(report.final)
        self.assertEqual(report.n_with_consensus, 2)
        rows = {p.person.username: p for p in report.participants}
        for name in SCORES:
            want = expected_participant(name, consensus=self.CONSENSUS_SO_FAR)
            self.assertEqual(rows[name].n, 2)
            self.assertAlmostEqual(rows[name].mean_signed, want["mean_signed"], places=9)
            self.assertAlmostEqual(rows[name].alignment, want["alignment"], places=9)
        self.assertEqual(rows["trainer"].pending, 2)
        cells = report.calls[2].cells
        self.assertFalse(report.calls[2].has_consensus)
        self.assertTrue(cells[0].pending)
        self.assertIsNone(cells[0].deviation)
        self.assertIsNone(cells[0].within_tolerance)

    def test_spread_and_alpha_already_count_every_call(self):
        report = session_report(self.session)
        self.assertAlmostEqual(
            report.totals.alpha.value, krippendorff.alpha(totals_matrix(), level_of_measurement="interval"), 9
        )
        by_id = {c.criterion_id: c for c in report.criteria}
        for key, criterion in self.criteria.items():
            want = expected_criterion(key, consensus=self.CONSENSUS_SO_FAR)
            self.assertAlmostEqual(by_id[criterion.pk].spread_sd, want["spread_sd"], places=9)
            self.assertEqual(by_id[criterion.pk].n_alignment, want["n_alignment"])

    def test_the_page_marks_the_deviations_pending(self):
        html = render_to_string("scoring/calibration/_report.html", {"report": session_report(self.session)})
        self.assertIn("Provisional figures: 2 of 4 calls", html)
        self.assertIn("pending", html)


class NotEnoughDataTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.session = run_session(
            by=cls.qa,
            calls=session_calls(cls, n=1),
            scores={cls.qa2: [CONSENSUS[0]], cls.trainer: [SCORES["trainer"][0]]},
            consensus=[CONSENSUS[0]],
        )

    def test_one_call_shows_not_enough_data_rather_than_a_number(self):
        report = session_report(self.session)
        self.assertIsNone(report.totals.alpha)
        self.assertIsNone(report.totals.icc)
        self.assertIn("Not enough data", report.totals.alpha_reason)
        self.assertIn("Not enough data", report.totals.icc_reason)
        self.assertTrue(all(c.alpha is None for c in report.criteria))
        html = render_to_string("scoring/calibration/_report.html", {"report": report})
        self.assertEqual(_Attributes(html).element("report-alpha")["data-value"], "")
        self.assertIn("Not enough data", html)
        # One call is still a deviation: the trainer's 4/4 on empathy and clarity against 3/4 lifts the
        # communication section from 75 % to 100 %, 30 × 0.25 = 7.5 points above the consensus.
        trainer = next(p for p in report.participants if p.person.username == "trainer")
        self.assertEqual((trainer.n, trainer.mean_signed, trainer.interval), (1, 7.5, None))


class ParticipantOffsetTests(ScoringPersonas):
    """Three closed sessions a week apart, and one still revealed."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        tz = timezone.get_current_timezone()
        cls.days = [dt.datetime(2026, 11, d, 0, 0, tzinfo=tz) for d in (2, 9, 16)]
        cls.main = build_report_session(cls)
        cls.sessions = [cls.main]
        for i in range(2):
            cls.sessions.append(
                run_session(
                    by=cls.qa,
                    calls=session_calls(cls, n=2),
                    scores={cls.qa2: SCORES["qa2"][:2], cls.supervisor: SCORES["supervisor"][:2]},
                    consensus=CONSENSUS[:2],
                    title=f"extra {i}",
                )
            )
        for session, day in zip(cls.sessions, cls.days, strict=True):
            type(session).objects.filter(pk=session.pk).update(closed_at=day)
        cls.open = run_session(
            by=cls.qa,
            calls=session_calls(cls, n=2),
            scores={cls.qa2: SCORES["qa2"][:2], cls.supervisor: SCORES["supervisor"][:2]},
            consensus=CONSENSUS[:2],
            close=False,
            title="still revealed",
        )

    def test_offsets_match_the_hand_computation(self):
        offsets = participant_offsets(since=self.days[0], until=self.days[0] + dt.timedelta(days=1))
        self.assertEqual({o.session_id for o in offsets}, {self.main.pk})
        by_user = {o.user_id: o for o in offsets}
        for name, user in (("trainer", self.trainer), ("qa2", self.qa2), ("supervisor", self.supervisor)):
            with self.subTest(name):
                o, want = by_user[user.pk], expected_participant(name)
                self.assertEqual(o.n_items, want["n"])
                self.assertAlmostEqual(o.mean_signed, want["mean_signed"], places=9)
                self.assertAlmostEqual(o.mean_abs, want["mean_abs"], places=9)
                self.assertAlmostEqual(o.alignment, want["alignment"], places=9)
                self.assertEqual(o.within_tolerance, want["mean_abs"] <= 5)
                self.assertEqual(o.closed_at, self.days[0])
        self.assertEqual(by_user[self.qa3.pk].n_items, 2)

    def test_the_window_includes_since_and_excludes_until(self):
        window = participant_offsets(since=self.days[1], until=self.days[2])
        self.assertEqual({o.session_id for o in window}, {self.sessions[1].pk})
        everything = participant_offsets(since=self.days[0], until=self.days[2] + dt.timedelta(seconds=1))
        self.assertEqual({o.session_id for o in everything}, {s.pk for s in self.sessions})
        self.assertNotIn(self.open.pk, {o.session_id for o in everything})  # not closed
        self.assertEqual(participant_offsets(since=self.days[2] + dt.timedelta(days=1), until=timezone.now()), [])
        times = [o.closed_at for o in everything]
        self.assertEqual(times, sorted(times))

    def test_only_the_users_asked_for(self):
        since, until = self.days[0], self.days[2] + dt.timedelta(days=1)
        mine = participant_offsets(since=since, until=until, user_ids=[self.supervisor.pk])
        self.assertEqual({o.user_id for o in mine}, {self.supervisor.pk})
        self.assertEqual(len(mine), 3)
        self.assertEqual(participant_offsets(since=since, until=until, user_ids=[]), [])

    def test_offsets_agree_with_the_session_report(self):
        (report_row,) = [p for p in session_report(self.sessions[1]).participants if p.person.id == self.qa2.pk]
        (offset,) = participant_offsets(since=self.days[1], until=self.days[2], user_ids=[self.qa2.pk])
        self.assertEqual(offset.n_items, report_row.n)
        self.assertAlmostEqual(offset.mean_signed, report_row.mean_signed, places=9)
        self.assertAlmostEqual(offset.alignment, report_row.alignment, places=9)

    def test_three_queries_whatever_the_number_of_sessions(self):
        with self.assertNumQueries(3):
            one = participant_offsets(since=self.days[0], until=self.days[1])
        with self.assertNumQueries(3):
            three = participant_offsets(since=self.days[0], until=self.days[2] + dt.timedelta(days=1))
        self.assertEqual(len({o.session_id for o in one}), 1)
        self.assertEqual(len({o.session_id for o in three}), 3)
