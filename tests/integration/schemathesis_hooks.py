"""Schemathesis hooks (SCHEMATHESIS_HOOKS) for test_schemathesis.py: the business rules no JSON
schema can state, applied to the data schemathesis calls valid so that "valid" means what the
server means. Each rule is also written in its operation's description, which is where a client's
author reads it; the negative data is left alone.

- quota policies (PUT/PATCH /api/v1/quota-policies/{id}/): the QA, supervisor and trainer shares
  add up to 100; the tier thresholds fall (excellent > good > needs improvement); the line top-up
  limit is not below the line minimum. A body that breaks one gets that group's default values.
- a recording upload (PUT/POST /api/v1/calls/{id}/recording/) is audio, as its content says
  (it is sniffed; the declared type is not trusted): the file becomes a short WAV.
- a development review's dates and reviewer (PATCH /api/v1/development-reviews/{id}/, POST
  …/schedule-half-year/): the due date falls in the review's half-year, a review is held on a day
  already past, and the reviewer is one of the agent's supervisors, a trainer or a manager — rules
  on the stored review and its agent: those fields are left out.
- a library entry's moment (PATCH /api/v1/library-calls/{id}/) lies within its call: 0 s.
- a batch of calls (POST /api/v1/calls/bulk/) names an agent and a line of business that exist
  (QA_FUZZ_AGENT, QA_FUZZ_LINE: the harness reads them from the API), no call twice, and calls
  that started in the years 2000–2100.
- a scorecard draft (PUT /api/v1/scorecard-versions/{id}/): a criterion's condition names an
  earlier criterion and an answer it can take (else the condition is dropped); root causes are
  listed once each (a repeated text gets a number).
"""

from __future__ import annotations

import io
import os
import wave

import schemathesis

POLICY_PATH = "/api/v1/quota-policies/{id}/"
# (fields, the rule they keep together, values that keep it)
POLICY_RULES = (
    (("share_qa", "share_supervisor", "share_trainer"), lambda qa, sup, tr: qa + sup + tr == 100, (70, 20, 10)),
    (("excellent_min", "good_min", "needs_improvement_min"), lambda e, g, n: e > g > n, (90, 80, 70)),
    (("line_month_floor", "line_month_cap"), lambda floor, cap: floor <= cap, (15, 20)),
)


def _positive(case) -> bool:
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode.is_positive


RECORDING_PATH = "/api/v1/calls/{id}/recording/"
BULK_PATH = "/api/v1/calls/bulk/"
REVIEW_PATHS = ("/api/v1/development-reviews/{id}/", "/api/v1/development-reviews/schedule-half-year/")
LIBRARY_PATH = "/api/v1/library-calls/{id}/"
DRAFT_PATH = "/api/v1/scorecard-versions/{id}/"


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x00" * 800)  # 0.1 s of silence
    return out.getvalue()


WAV = _wav()


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if not _positive(case) or case.method.upper() not in ("PUT", "PATCH", "POST"):
        return
    path = case.operation.path
    if path == POLICY_PATH:
        _keep_policy_rules(case.body)
    elif path == RECORDING_PATH and isinstance(case.body, dict):
        case.body["recording"] = WAV
    elif path == BULK_PATH and isinstance(case.body, list):
        _existing_references(case.body)
    elif path in REVIEW_PATHS and isinstance(case.body, dict):
        for name in ("due_on", "held_on", "reviewer"):
            case.body.pop(name, None)
    elif path == LIBRARY_PATH and isinstance(case.body, dict) and "time_offset" in case.body:
        case.body["time_offset"] = 0.0
    elif path == DRAFT_PATH and isinstance(case.body, dict):
        _keep_draft_rules(case.body)


def _keep_draft_rules(body: dict) -> None:
    highest: list[int] = []  # the highest answer of each criterion so far, in form order
    for section in body.get("sections") or []:
        for criterion in (section.get("criteria") or []) if isinstance(section, dict) else []:
            if not isinstance(criterion, dict):
                continue
            condition = criterion.get("shown_when")
            if isinstance(condition, dict):
                index, value = condition.get("criterion"), condition.get("value")
                if not (isinstance(index, int) and index < len(highest) and isinstance(value, int)):
                    criterion["shown_when"] = None
                elif value > highest[index]:
                    criterion["shown_when"] = None
            scale = criterion.get("kind") == "scale" and isinstance(criterion.get("scale_max"), int)
            highest.append(criterion["scale_max"] if scale else 1)
    seen = set()
    for number, cause in enumerate(body.get("root_causes") or []):
        if isinstance(cause, dict) and isinstance(cause.get("text"), str):
            if cause["text"].strip().casefold() in seen:
                cause["text"] = f"{cause['text'][:150]} {number}"
            seen.add(cause["text"].strip().casefold())


def _existing_references(rows: list) -> None:
    keys = set()
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        row["agent"] = os.environ.get("QA_FUZZ_AGENT", row.get("agent"))
        row["line_of_business"] = os.environ.get("QA_FUZZ_LINE", row.get("line_of_business"))
        start = row.get("start_time")
        if isinstance(start, str) and start[:4].isdigit() and not 2000 <= int(start[:4]) <= 2100:
            row["start_time"] = "2026" + start[4:]
        key = (row.get("source") or "default", row.get("external_id"))
        if key in keys:
            row["external_id"] = f"{str(row.get('external_id'))[:56]}-{number}"
        keys.add((row.get("source") or "default", row.get("external_id")))


def _keep_policy_rules(body) -> None:
    if not isinstance(body, dict):
        return
    for fields, rule, values in POLICY_RULES:
        given = [body.get(name) for name in fields]
        if not any(name in body for name in fields):
            continue
        # A PATCH with part of a group is judged with the stored rest, which the hook cannot see: send the group whole.
        if None in given or not all(isinstance(v, int) for v in given) or not rule(*given):
            body.update(zip(fields, values, strict=True))
