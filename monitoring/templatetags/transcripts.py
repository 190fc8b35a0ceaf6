"""`{% load transcripts %}` … `{% for seg in call.transcript|readable_by:request.user %}`: a
transcript as the person may read it — personal data masked unless they were granted the
originals (monitoring/redaction.py)."""

from django import template

from monitoring.redaction import redact, sees_originals, transcript_for

register = template.Library()


@register.filter
def readable_by(segments, user):
    return transcript_for(user, segments)


@register.filter
def text_readable_by(text, user):
    """One text from a transcript (a rule's evidence), masked the same way."""
    return text if sees_originals(user) else redact(text or "")
