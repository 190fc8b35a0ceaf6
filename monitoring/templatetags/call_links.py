"""`{% calls_url period team=t.pk %}`: a link into the call search for a page's figure, carrying
the page's month (`date_from` / `date_to`) and its scope, so the list holds the calls the figure
counted."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from ..filters import month_query

register = template.Library()


def calls_url_for(period=None, **filters) -> str:
    query = {k: v for k, v in filters.items() if v not in (None, "")}
    if period is not None:
        query.update(month_query(period))
    return f"{reverse('call-list')}?{urlencode(query)}"


@register.simple_tag
def calls_url(period=None, **filters) -> str:
    return calls_url_for(period, **filters)
