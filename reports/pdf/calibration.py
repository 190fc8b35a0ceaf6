"""A calibration session's report (校准会报告): the figures of the session page's report
(`scoring.selectors_calibration.session_report`) on A4 — agreement on the totals (alpha and
ICC(2,1) with their intervals and bands), each participant against the consensus (deviation,
alignment, tolerance) with a chart of who is stricter, call by call, the criteria that split the
participants most first, and each participant's offset per criterion.

`render(report)` runs no query: the report is computed before. Participants' names come from the
report (a Chinese name family name first) and print as characters in the reports' CID font.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.platypus import Flowable

from scoring.models_calibration import SessionStatus
from scoring.selectors_calibration import CallRow, ParticipantRow, SessionReport

from .base import (
    ACCENT,
    CONTENT_WIDTH,
    FONT,
    HEADER_BG,
    INK,
    MUTED,
    NO_VALUE,
    WARN,
    chart_block,
    count,
    date_text,
    facts,
    heading,
    note,
    num,
    register_fonts,
    render_document,
    short_date,
    table,
)

W = CONTENT_WIDTH
PEOPLE_PER_TABLE = 5  # participants' columns side by side before a table is split
LENIENT = ACCENT
STRICT = WARN


def _num(value: float | None, digits: int = 1) -> str:
    """`base.num`, rounded half away from zero first (as the page's figures are): a mean of 1.25
    prints 1.3 on both."""
    if value is None:
        return NO_VALUE
    step = Decimal(1).scaleb(-digits)
    rounded = Decimal(f"{value:.9f}").quantize(step, rounding=ROUND_HALF_UP)
    return num(abs(rounded) if rounded == 0 else rounded, digits)  # never "-0.0"


def _signed(value: float | None, digits: int = 1) -> str:
    """A deviation with its sign: "+7.5", "-2.8" (ASCII minus: the report font has no U+2212)."""
    if value is None:
        return NO_VALUE
    text = _num(value, digits)
    return f"+{text}" if text.strip("0.,") and value > 0 else text


def _pct(share: float | None, digits: int = 1) -> str:
    return NO_VALUE if share is None else f"{_num(100 * share, digits)} %"


def _range(pair: tuple[float, float] | None, digits: int = 1) -> str:
    return NO_VALUE if pair is None else f"{_num(pair[0], digits)} – {_num(pair[1], digits)}"


def _tolerance_text(p: ParticipantRow) -> str:
    if p.within_tolerance is None:
        return _("pending") if p.n_submitted else _("scored no call")
    return _("within") if p.within_tolerance else _("outside")


def _chunks(items: Sequence, size: int = PEOPLE_PER_TABLE) -> list[tuple[int, Sequence]]:
    return [(i, items[i : i + size]) for i in range(0, len(items), size)] or [(0, [])]


def _agreement(report: SessionReport) -> list[Flowable]:
    t = report.totals
    rows = []
    if t.alpha is not None:
        rows.append(
            [
                _("Krippendorff's alpha (interval)"),
                _num(t.alpha.value, 3),
                _range((t.alpha.low, t.alpha.high) if t.alpha.low is not None else None, 3),
                str(t.alpha.band.label),
                _("%(n)s calls, %(k)s participants") % {"n": count(t.alpha.n_units), "k": count(t.raters)},
            ]
        )
    else:
        rows.append([_("Krippendorff's alpha (interval)"), NO_VALUE, NO_VALUE, t.alpha_reason, ""])
    if t.icc is not None:
        rows.append(
            [
                "ICC(2,1)",
                _num(t.icc.value, 3),
                _range((t.icc.low, t.icc.high), 3),
                str(t.icc.band.label),
                _("%(n)s calls, the %(k)s of %(m)s participants who scored every call")
                % {"n": count(t.icc.n_targets), "k": count(t.icc_raters), "m": count(t.raters)},
            ]
        )
    else:
        rows.append(["ICC(2,1)", NO_VALUE, NO_VALUE, t.icc_reason, ""])
    headers = [_("Measure"), _("Value"), _("95 % interval"), _("Reading"), _("Based on")]
    return [
        heading(_("Agreement on the totals")),
        table(headers, rows, widths=[W * 0.25, W * 0.1, W * 0.16, W * 0.22, W * 0.27], numeric=(1, 2)),
    ]


def deviation_chart(report: SessionReport) -> Drawing | None:
    """Each participant's mean deviation as a bar left (stricter) or right (more lenient) of the
    consensus, with the tolerance band shaded; None when nobody has been compared yet."""
    register_fonts()
    rows = [p for p in report.participants if p.mean_signed is not None]
    if not rows:
        return None
    row_h, label_w, top = 16, 130, 18
    width, height = W, top + 22 + row_h * len(rows)
    reach = max([report.tolerance * 1.5, *(abs(p.mean_signed) for p in rows)]) * 1.1
    x0, span = label_w, width - label_w - 40
    centre = x0 + span / 2

    def x(value: float) -> float:
        return centre + span / 2 * value / reach

    drawing = Drawing(width, height)
    band_y, band_h = 16, row_h * len(rows)
    tol = report.tolerance
    drawing.add(Rect(x(-tol), band_y, x(tol) - x(-tol), band_h, fillColor=HEADER_BG, strokeColor=None))
    for i, p in enumerate(reversed(rows)):
        y = band_y + i * row_h + 3
        value = p.mean_signed
        colour = LENIENT if value >= 0 else STRICT
        left, right = sorted((x(0), x(value)))
        drawing.add(Rect(left, y, max(right - left, 0.8), row_h - 6, fillColor=colour, strokeColor=None))
        drawing.add(String(4, y + 2, p.person.name[:22], fontName=FONT, fontSize=7.5, fillColor=INK))
        anchor = "start" if value >= 0 else "end"
        label_x = right + 3 if value >= 0 else left - 3
        text = _("%(dev)s (n = %(n)s)") % {"dev": _signed(value), "n": p.n}
        drawing.add(String(label_x, y + 2, text, fontName=FONT, fontSize=7, fillColor=MUTED, textAnchor=anchor))
    drawing.add(Line(centre, band_y - 2, centre, band_y + band_h + 2, strokeColor=INK, strokeWidth=0.6))
    for value in (-tol, tol):
        drawing.add(
            String(x(value), 4, _signed(value), fontName=FONT, fontSize=7, fillColor=MUTED, textAnchor="middle")
        )
    drawing.add(String(centre, 4, _("consensus"), fontName=FONT, fontSize=7, fillColor=INK, textAnchor="middle"))
    drawing.add(String(x0, height - 10, _("← stricter"), fontName=FONT, fontSize=7, fillColor=STRICT))
    drawing.add(
        String(
            x0 + span, height - 10, _("more lenient →"), fontName=FONT, fontSize=7, fillColor=LENIENT, textAnchor="end"
        )
    )
    return drawing


def _participants(report: SessionReport) -> list[Flowable]:
    headers = [
        _("Participant"),
        _("Calls compared (n)"),
        _("Mean deviation (points)"),
        _("95 % interval"),
        _("Mean |deviation|"),
        _("Alignment"),
        _("Answers compared (n)"),
        _("Tolerance"),
    ]
    rows, outside = [], []
    for i, p in enumerate(report.participants):
        compared = count(p.n)
        if p.pending:
            compared = _("%(n)s (+%(k)s pending)") % {"n": count(p.n), "k": count(p.pending)}
        rows.append(
            [
                p.person.name,
                compared,
                _signed(p.mean_signed),
                _range(p.interval),
                _num(p.mean_abs),
                _pct(p.alignment),
                count(p.n_cells),
                _tolerance_text(p),
            ]
        )
        if p.within_tolerance is False:
            outside.append(i)
    widths = [W * 0.2, W * 0.12, W * 0.12, W * 0.13, W * 0.11, W * 0.1, W * 0.11, W * 0.11]
    return [
        heading(_("Participants against the consensus")),
        table(headers, rows, widths=widths, numeric=range(1, 7), highlight=outside, empty=_("No participants.")),
        note(
            _(
                "Deviation: the participant's total minus the consensus total (+ more lenient, - stricter). "
                "Alignment: 1 - |answer - consensus| / the criterion's scale, averaged over the criteria and calls "
                "weighted by each criterion's points; a criterion answered N/A by the participant or by the "
                "consensus is left out. Within tolerance: the mean |deviation| is no more than ±%(t)s points."
            )
            % {"t": _num(report.tolerance)}
        ),
        chart_block(
            _("Mean deviation from the consensus"),
            deviation_chart(report),
            empty=_("No call has its consensus yet."),
        ),
    ]


def _call_cell(row: CallRow, i: int) -> str:
    c = row.cells[i]
    if c.total is None:
        return NO_VALUE
    if c.pending:
        return _num(c.total)
    mark = "" if c.within_tolerance else " !"
    return f"{_num(c.total)} ({_signed(c.deviation)}){mark}"


def _calls(report: SessionReport) -> list[Flowable]:
    out: list[Flowable] = [heading(_("Call by call"))]
    for start, people in _chunks(report.participants):
        headers = [_("Call"), _("Consensus"), *(p.person.name for p in people), "n", _("SD"), _("Lowest–highest")]
        rows = []
        for row in report.calls:
            rows.append(
                [
                    row.label,
                    _num(row.consensus_total) if row.has_consensus else _("pending"),
                    *(_call_cell(row, start + j) for j in range(len(people))),
                    count(row.n_scores),
                    _num(row.sd),
                    _range((row.low, row.high) if row.n_scores else None),
                ]
            )
        share = 0.5 / max(1, len(people))
        widths = [W * 0.16, W * 0.1, *([W * share] * len(people)), W * 0.05, W * 0.07, W * 0.12]
        out.append(table(headers, rows, widths=widths, numeric=range(1, len(headers)), empty=_("No calls.")))
    out.append(
        note(
            _("Each score with its deviation from the consensus in brackets; ! marks a deviation beyond the tolerance.")
        )
    )
    return out


def _criteria(report: SessionReport) -> list[Flowable]:
    headers = [
        _("Criterion"),
        _("Calls (n)"),
        _("Spread (SD)"),
        _("Spread (range)"),
        _("Alignment"),
        _("Answers (n)"),
        _("Alpha"),
        _("Reading"),
    ]
    rows = []
    for c in report.criteria:
        if c.alpha is None:
            reading = _("Not enough data")
        else:
            reading = str(c.alpha.band.label) if c.alpha.band else str(c.alpha.reason)
        rows.append(
            [
                f"{c.text} ({c.section})",
                count(c.n_calls),
                _num(c.spread_sd, 2),
                _num(c.spread_range, 2),
                _pct(c.alignment) if c.alignment is not None else _("pending"),
                count(c.n_alignment),
                _num(c.alpha.value if c.alpha else None, 3),
                reading,
            ]
        )
    widths = [W * 0.27, W * 0.08, W * 0.09, W * 0.1, W * 0.1, W * 0.09, W * 0.08, W * 0.19]
    return [
        heading(_("By criterion: where the guidance text needs work")),
        table(headers, rows, widths=widths, numeric=range(1, 7), empty=_("No criteria.")),
        note(
            _(
                "The criteria that split the participants most come first: lowest alignment with the consensus, "
                "then the widest spread. Spread is measured on answer ÷ scale maximum (0 to 1), per call, averaged "
                "over the calls two or more participants answered. Alpha is nominal for yes/no criteria and ordinal "
                "for scales (participants × calls, N/A left out)."
            )
        ),
    ]


def _criterion_offsets(report: SessionReport) -> list[Flowable]:
    out: list[Flowable] = [heading(_("Deviation per criterion"))]
    matrix = report.criterion_matrix
    for start, people in _chunks(report.participants):
        headers = [_("Criterion"), _("Points"), *(p.person.name for p in people)]
        rows = []
        for c, offsets in matrix:
            cells = []
            for o in offsets[start : start + len(people)]:
                if o is None:
                    cells.append(NO_VALUE)
                else:
                    cells.append(f"{_signed(o.mean_signed)}, {_pct(o.alignment, 0)} (n = {count(o.n)})")
            rows.append([c.text, count(c.points), *cells])
        share = 0.62 / max(1, len(people))
        widths = [W * 0.3, W * 0.08, *([W * share] * len(people))]
        out.append(table(headers, rows, widths=widths, numeric=range(1, len(headers)), empty=_("No criteria.")))
    out.append(
        note(
            _(
                "Mean points earned above (+) or below (-) the consensus on the criterion, and the alignment, "
                "over the calls compared (n)."
            )
        )
    )
    return out


def render(report: SessionReport) -> bytes:
    session = report.session
    status = SessionStatus(session.status).label
    state = (
        _("Final: the session is closed.")
        if report.final
        else _("Provisional: %(k)s of %(n)s calls have their consensus; the others' deviations are pending.")
        % {"k": count(report.n_with_consensus), "n": count(len(report.calls))}
    )
    key = [
        (_("Status"), f"{status}. {state}"),
        (_("Week of the calls"), short_date(session.week_start)),
        (_("Calls"), count(len(report.calls))),
        (_("Participants"), ", ".join(p.person.name for p in report.participants)),
        (_("Tolerance"), _("±%(t)s points") % {"t": _num(report.tolerance)}),
    ]
    if session.revealed_at:
        key.append((_("Revealed"), date_text(session.revealed_at)))
    if session.closed_at:
        key.append((_("Closed"), date_text(session.closed_at)))
    story = [
        heading(_("Key figures")),
        facts(key),
        *_agreement(report),
        *_participants(report),
        *_calls(report),
        *_criteria(report),
        *_criterion_offsets(report),
    ]
    return render_document(
        story,
        title=_("Calibration session report"),
        subtitle=_("%(title)s – week of %(week)s") % {"title": session.title, "week": short_date(session.week_start)},
        subject=session.title,
    )
