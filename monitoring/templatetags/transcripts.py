"""`{% load transcripts %}` … `{% for seg in call.transcript|readable_by:request.user %}`: a
transcript as the person may read it — personal data masked unless they were granted the
originals (monitoring/redaction.py)."""

from django import template

from monitoring.redaction import transcript_for

register = template.Library()


@register.filter
def readable_by(segments, user):
    return transcript_for(user, segments)
