"""Personal data in transcripts, masked wherever a person reads them (DESIGN.md §9, issue 12).

What is masked, found on the original text:
- e-mail addresses: the local part but its first character (`l***@example.com`);
- Chinese resident ID numbers: 18 characters, 17 digits and a check character (0–9 or X) that
  is right by ISO 7064 MOD 11-2 (GB 11643), with a plausible birth date; a run of 17 digits is
  not one;
- bank card numbers: 13–19 digits passing the Luhn check;
- phone numbers: Chinese mobiles (1[3-9] and 9 digits, with or without +86), Chinese landlines
  (0, an area code, 7–8 digits), and any number written with a leading + (8–15 digits).
Digits may be grouped with spaces or hyphens, as speech-to-text writes them ("138 1234 5678").
Digits are masked all but the last four (`*******5678`), separators kept, so a reader still
sees what kind of number was said and can tell two apart. Anything else — order numbers,
amounts, dates, a 17-digit reference — is left as it was.

Who sees originals: a person granted `monitoring.view_unredacted_transcripts` (the Django
permission; nobody has it by default, an administrator grants it, e.g. to a compliance group).
Every page, API response and export that shows a transcript goes through `transcript_for`.
Matching rules (automatic QA) run on the stored original, never on this view of it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

UNREDACTED_PERMISSION = "monitoring.view_unredacted_transcripts"

EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-])([A-Za-z0-9._%+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# A run of digits (an ID may end in X), possibly grouped by single spaces or hyphens, possibly
# after a +, not touching other digits or Latin letters.
NUMBER = re.compile(r"(?<![0-9A-Za-z+])(\+?)(\d(?:[ -]?\d){6,21}(?:[ -]?[Xx])?)(?![0-9A-Za-z])")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def is_resident_id(digits: str) -> bool:
    """An 18-character Chinese resident ID with a right check character and a real birth date."""
    if len(digits) != 18 or not digits[:17].isdigit():
        return False
    check = ID_CHECK[sum(int(d) * w for d, w in zip(digits[:17], ID_WEIGHTS, strict=True)) % 11]
    if digits[17].upper() != check:
        return False
    try:
        born = dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def passes_luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def is_card(digits: str) -> bool:
    return digits.isdigit() and 13 <= len(digits) <= 19 and passes_luhn(digits)


def is_phone(digits: str, plus: bool) -> bool:
    if not digits.isdigit():
        return False
    if plus:
        return 8 <= len(digits) <= 15
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return True
    return digits[0] == "0" and digits[1] != "0" and 10 <= len(digits) <= 12  # 0 + area code + 7–8 digits


def _mask_digits(text: str, keep: int = 4) -> str:
    """Every digit (and a trailing X) of `text` but the last `keep` as *, separators kept."""
    positions = [i for i, ch in enumerate(text) if ch.isdigit() or ch in "Xx"]
    hide = set(positions[:-keep] if keep else positions)
    return "".join("*" if i in hide else ch for i, ch in enumerate(text))


def _number(match: re.Match) -> str:
    plus, written = match.group(1), match.group(2)
    digits = re.sub(r"[ -]", "", written)
    if is_resident_id(digits) or (not plus and is_card(digits)) or is_phone(digits, bool(plus)):
        return plus + _mask_digits(written)
    return match.group(0)


def _email(match: re.Match) -> str:
    return f"{match.group(1)}***@{match.group(3)}"


def redact(text: str) -> str:
    """`text` with the personal data it holds masked."""
    if not text:
        return text
    return NUMBER.sub(_number, EMAIL.sub(_email, text))


def redact_transcript(segments: Iterable[dict] | None) -> list[dict] | None:
    """The transcript's segments, each with its text redacted (the rest as it was)."""
    if segments is None:
        return None
    return [{**seg, "text": redact(seg.get("text") or "")} if isinstance(seg, dict) else seg for seg in segments]


def sees_originals(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(UNREDACTED_PERMISSION))


def transcript_for(user, segments):
    """The transcript as `user` may read it: the original for those granted the permission,
    else redacted."""
    return segments if sees_originals(user) else redact_transcript(segments)
