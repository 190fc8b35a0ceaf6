"""factory_boy factories for the domain."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from monitoring.models import Agent, Assignment, Call, LineOfBusiness, PrivateLine, Shift, Site, Team
from planning import periods


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("name",)

    name = "Shanghai"


class LineOfBusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineOfBusiness
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"lob{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    site = factory.SubFactory(SiteFactory)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift
        django_get_or_create = ("code",)

    code = "day"
    name = "Day"
    start = dt.time(8)
    end = dt.time(20)


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    employee_id = factory.Sequence(lambda n: f"E{10000 + n}")
    name = factory.Sequence(lambda n: f"Agent {n}")
    team = factory.SubFactory(TeamFactory)
    hire_date = dt.date(2024, 1, 15)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    source = "test"
    external_id = factory.Sequence(lambda n: f"C{n:06d}")
    agent = factory.SubFactory(AgentFactory)
    line_of_business = factory.SubFactory(LineOfBusinessFactory)
    direction = "inbound"
    service_type = "billing question"
    start_time = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    talk_seconds = 240


class PrivateLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivateLine

    line = "8001"
    reason = "manager's private phone"


def _week_of(call) -> dt.date:
    """The Monday of the call's week, or of the last complete week when the call's week is not
    over yet (the plan only samples complete weeks)."""
    call_week = periods.monday(timezone.localtime(call.start_time).date())
    return min(call_week, periods.last_complete_week())


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An open assignment of a call to a QA auditor, picked at random, due in three days."""

    class Meta:
        model = Assignment

    call = factory.SubFactory(CallFactory)
    evaluator = factory.SubFactory(UserFactory, roles=["qa"])
    evaluator_role = "qa"
    reason = "random"
    period_start = factory.LazyAttribute(lambda o: _week_of(o.call))
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
