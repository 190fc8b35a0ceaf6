"""Evaluators as the plan's pages show them: username, display name and role groups."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q


def evaluators(condition: Q) -> dict[int, dict]:
    """{user id: {"username", "name", "roles"}} for the users matching `condition`, in one query
    (a user in several groups is one entry with every role)."""
    people: dict[int, dict] = {}
    rows = (
        get_user_model()
        .objects.filter(condition)
        .values_list("pk", "username", "first_name", "last_name", "groups__name")
        .order_by("pk")
    )
    for pk, username, first, last, group in rows:
        person = people.setdefault(
            pk, {"username": username, "name": f"{first} {last}".strip() or username, "roles": set()}
        )
        if group:
            person["roles"].add(group)
    return people
