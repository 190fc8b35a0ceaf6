"""The building blocks of every report: the font, paragraph styles, numbers and dates in the
active language, tables, charts placed as form XObjects, and the page (header, footer, page
numbers)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence
from functools import cache

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from monitoring.selectors import Period
from qa_platform.names import person_name

from ..selectors.qa import Mean

# reportlab's built-in Adobe-GB1 font: Latin and Simplified Chinese, known to every PDF reader
# (nothing embedded). Regular weight only; headings differ by size and colour.
FONT = "STSong-Light"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
NO_VALUE = "–"

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
ACCENT = colors.HexColor("#1d4e89")
RULE = colors.HexColor("#cbd2d9")
ZEBRA = colors.HexColor("#f5f7fa")
HEADER_BG = colors.HexColor("#e4e7eb")
WARN = colors.HexColor("#b42318")


@cache
def register_fonts() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def is_chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


@cache
def _styles(cjk: bool) -> dict[str, ParagraphStyle]:
    register_fonts()
    wrap = "CJK" if cjk else None
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK, wordWrap=wrap)
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=24, textColor=ACCENT, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=10.5, leading=15, textColor=MUTED),
        "h2": ParagraphStyle(
            "h2", parent=body, fontSize=13, leading=18, textColor=ACCENT, spaceBefore=10, spaceAfter=4, keepWithNext=1
        ),
        "h3": ParagraphStyle("h3", parent=body, fontSize=10.5, leading=15, spaceBefore=6, spaceAfter=2, keepWithNext=1),
        "body": body,
        "note": ParagraphStyle("note", parent=body, fontSize=8, leading=11, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11),
        "cellwarn": ParagraphStyle("cellwarn", parent=body, fontSize=8.5, leading=11, textColor=WARN),
        "label": ParagraphStyle("label", parent=body, fontSize=8.5, leading=11, textColor=MUTED),
        "head": ParagraphStyle("head", parent=body, fontSize=8, leading=10.5, textColor=INK),
        "headnum": ParagraphStyle("headnum", parent=body, fontSize=8, leading=10.5, alignment=TA_RIGHT),
    }


def style(name: str) -> ParagraphStyle:
    return _styles(is_chinese())[name]


def escape(text) -> str:
    """Text for a Paragraph (which reads a little XML)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para(text, name: str = "body") -> Paragraph:
    return Paragraph(escape(text), style(name))


def heading(text) -> Paragraph:
    return para(text, "h2")


def subheading(text) -> Paragraph:
    return para(text, "h3")


def note(text) -> Paragraph:
    return para(text, "note")


def gap(height: float = 4) -> Spacer:
    return Spacer(1, height * mm / 4)


# --- numbers, dates, people ---------------------------------------------------------------------


def num(value, digits: int = 1) -> str:
    """A number in the active language (1 decimal by default), or "–"."""
    if value is None:
        return NO_VALUE
    return formats.number_format(round(float(value), digits), decimal_pos=digits, use_l10n=True)


def count(value) -> str:
    return NO_VALUE if value is None else formats.number_format(int(value), use_l10n=True, force_grouping=True)


def pct(share, digits: int = 0) -> str:
    """A share 0..1 as a percentage."""
    return NO_VALUE if share is None else f"{num(100 * share, digits)} %"


def seconds(value) -> str:
    """Seconds as m:ss."""
    if value is None:
        return NO_VALUE
    minutes, secs = divmod(int(round(float(value))), 60)
    return f"{minutes}:{secs:02d}"


def interval(pair: tuple[float, float] | None, digits: int = 1) -> str:
    return NO_VALUE if pair is None else f"{num(pair[0], digits)}–{num(pair[1], digits)}"


def pct_interval(pair: tuple[float, float] | None) -> str:
    return NO_VALUE if pair is None else f"{num(100 * pair[0], 0)}–{num(100 * pair[1], 0)} %"


def mean_text(m: Mean) -> str:
    """ "86.9 (n = 703, 95 % interval 85.8–87.9)": every average with what it rests on."""
    if not m.n or m.mean is None:
        return _("no evaluations")
    if m.interval is None:
        return _("%(mean)s (n = %(n)s, too few for an interval)") % {"mean": num(m.mean), "n": count(m.n)}
    return _("%(mean)s (n = %(n)s, 95 %% interval %(interval)s)") % {
        "mean": num(m.mean),
        "n": count(m.n),
        "interval": interval(m.interval),
    }


def mean_cells(m: Mean) -> list[str]:
    """[n, mean, 95 % interval, critical failures] for a table row."""
    return [count(m.n), num(m.mean), interval(m.interval), count(m.critical)]


def mean_headers() -> list[str]:
    return [_("n"), _("Average"), _("95 % interval"), _("Critical")]


def date_text(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT", use_l10n=True)
    return formats.date_format(value, "DATE_FORMAT", use_l10n=True)


def short_date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "SHORT_DATE_FORMAT", use_l10n=True)


def month_text(period: Period) -> str:
    return formats.date_format(dt.date(period.year, period.month, 1), "YEAR_MONTH_FORMAT", use_l10n=True)


def month_short(period: Period) -> str:
    """A trend chart's axis label: "2026-11"."""
    return period.label


def evaluator_name(row: dict) -> str:
    return person_name(
        row.get("evaluator__first_name", ""), row.get("evaluator__last_name", ""), row["evaluator__username"]
    )


# --- tables -------------------------------------------------------------------------------------


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths: Sequence[float] | None = None,
    numeric: Iterable[int] = (),
    empty: str | None = None,
    highlight: Iterable[int] = (),
) -> Flowable:
    """A data table: a header row repeated on each page, numeric columns right-aligned (set as
    plain strings: they never wrap, and draw faster), text columns wrapping, zebra rows;
    `highlight` rows in the warning colour. With no rows, `empty` as a note."""
    rows = [list(r) for r in rows]
    if not rows:
        return note(empty or _("Nothing to show for this period."))
    numeric, highlight = set(numeric), set(highlight)
    head = [Paragraph(escape(h), style("headnum" if i in numeric else "head")) for i, h in enumerate(headers)]
    body = []
    for r, row in enumerate(rows):
        text_style = style("cellwarn" if r in highlight else "cell")
        body.append(
            [
                c if isinstance(c, Flowable) or i in numeric else Paragraph(escape(c), text_style)
                for i, c in enumerate(row)
            ]
        )
    if widths is None:
        widths = [CONTENT_WIDTH / len(headers)] * len(headers)
    t = Table([head, *body], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, MUTED),
        ("LINEBELOW", (0, -1), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 1), (-1, -1), FONT),
        ("FONTSIZE", (0, 1), (-1, -1), 8.5),
        ("LEADING", (0, 1), (-1, -1), 11),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric]
    commands += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(body) + 1, 2)]
    commands += [("TEXTCOLOR", (0, r + 1), (-1, r + 1), WARN) for r in highlight]
    t.setStyle(TableStyle(commands))
    return t


def facts(pairs: Iterable[tuple[str, str]]) -> Flowable:
    """A two-column table of label → value: a report's key figures."""
    rows = [[Paragraph(escape(k), style("label")), Paragraph(escape(v), style("cell"))] for k, v in pairs]
    t = Table(rows, colWidths=[CONTENT_WIDTH * 0.38, CONTENT_WIDTH * 0.62], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t


# --- charts -------------------------------------------------------------------------------------


class Chart(Flowable):
    """A reportlab.graphics drawing placed as a PDF form XObject named `chart-<n>`: one object per
    chart, which readers cache and tests can count."""

    _numbers = itertools.count(1)

    def __init__(self, drawing: Drawing, *, title: str = ""):
        super().__init__()
        self.drawing = drawing
        self.title = title
        self.name = f"chart-{next(self._numbers)}"

    def wrap(self, available_width, available_height):
        return self.drawing.width, self.drawing.height

    def draw(self):
        canvas = self.canv
        canvas.beginForm(self.name, lowerx=0, lowery=0, upperx=self.drawing.width, uppery=self.drawing.height)
        renderPDF.draw(self.drawing, canvas, 0, 0)
        canvas.endForm()
        canvas.doForm(self.name)


def chart_block(title: str, drawing: Drawing | None, *, empty: str | None = None) -> Flowable:
    """A chart with its caption, kept on one page; a note when there is nothing to draw."""
    if drawing is None:
        return KeepTogether([subheading(title), note(empty or _("Nothing to chart for this period."))])
    return KeepTogether([subheading(title), Chart(drawing, title=title), gap()])


# --- the document -------------------------------------------------------------------------------


def render_document(story: list[Flowable], *, title: str, subtitle: str, subject: str) -> bytes:
    """The story on A4 pages: the report's title at the top of the first page, a running header
    and a footer with the page number and when it was generated."""
    register_fonts()
    buffer = io.BytesIO()
    generated = date_text(timezone.now())
    running = f"{title} – {subtitle}"
    footer = _("QA Platform – generated %(when)s") % {"when": generated}

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        if doc.page > 1:
            canvas.drawString(MARGIN, PAGE_HEIGHT - MARGIN + 6, running[:120])
        canvas.drawString(MARGIN, MARGIN - 10, footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 10, _("Page %(n)s") % {"n": doc.page})
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, MARGIN - 4, PAGE_WIDTH - MARGIN, MARGIN - 4)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{title} – {subtitle}",
        subject=subject,
        author=_("QA Platform"),
        creator=_("QA Platform"),
        lang=get_language() or "en",
    )
    head = [
        para(title, "title"),
        para(subtitle, "subtitle"),
        HRFlowable(width="100%", thickness=0.6, color=ACCENT, spaceBefore=4, spaceAfter=6),
    ]
    doc.build(head + story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
