"""What the unit suite (SQLite) cannot show: the PostgreSQL paths."""

import datetime as dt

import pytest
from django.db import connection

from monitoring import services
from monitoring.models import Call

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["NAME"].startswith("test_")


def _rows(agent, talk_seconds: int) -> list[dict]:
    start = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return [
        {
            "external_id": f"C-{n}",
            "agent": agent.employee_id,
            "line_of_business": "billing",
            "direction": "inbound",
            "start_time": (start + dt.timedelta(minutes=n)).isoformat(),
            "talk_seconds": talk_seconds + n,
        }
        for n in range(3)
    ]


def test_upserting_the_same_calls_twice_keeps_one_row_each(org):
    first = services.calls_upsert(rows=_rows(org["agent"], talk_seconds=100))
    second = services.calls_upsert(rows=_rows(org["agent"], talk_seconds=200))

    assert (first.created, first.updated) == (3, 0)
    assert (second.created, second.updated) == (0, 3)
    assert Call.objects.count() == 3
    # ON CONFLICT ... DO UPDATE took the second batch's values.
    assert sorted(Call.objects.values_list("talk_seconds", flat=True)) == [200, 201, 202]
    assert set(Call.objects.values_list("shift__code", flat=True)) == {"day"}


def test_a_unique_violation_is_a_lost_race_and_a_not_null_one_is_not():
    """qa_platform.errors answers 409 only for a unique violation (SQLSTATE 23505 here)."""
    from django.db import IntegrityError, transaction

    from monitoring.models import LineOfBusiness
    from qa_platform.errors import is_lost_race

    LineOfBusiness.objects.create(code="dup", name="One")
    with pytest.raises(IntegrityError) as unique, transaction.atomic():
        LineOfBusiness.objects.create(code="dup", name="Two")
    assert is_lost_race(unique.value)
    with pytest.raises(IntegrityError) as not_null, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO monitoring_lineofbusiness (code, name, active) VALUES (NULL, 'x', true)")
    assert not is_lost_race(not_null.value)


def test_a_month_closes_on_postgresql():
    """month_close locks its row with SELECT … FOR UPDATE (of the close only, not the outer-joined
    user, which PostgreSQL refuses)."""
    from django.contrib.auth import get_user_model

    from monitoring.selectors import Period
    from qa_platform.roles import MANAGER, ensure_role_groups
    from reports.services.close import month_close

    groups = ensure_role_groups()
    manager = get_user_model().objects.create_user("closer")
    manager.groups.add(groups[MANAGER])
    close = month_close(month=Period(2026, 1), by=manager)
    assert close.month == dt.date(2026, 1, 1)
