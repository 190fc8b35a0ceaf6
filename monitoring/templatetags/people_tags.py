"""`{% can_manage_people as x %}`: the rule in monitoring/permissions.py, for templates that
show an "Edit" link to those who manage people."""

from django import template

from ..permissions import can_manage_people as _can_manage_people

register = template.Library()


@register.simple_tag(takes_context=True)
def can_manage_people(context) -> bool:
    request = context.get("request")
    return bool(request is not None and _can_manage_people(request.user))
