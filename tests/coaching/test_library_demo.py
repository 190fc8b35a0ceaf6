"""The call library's and the development reviews' demo data on a small seeded center (the lead
wires seed_library and seed_reviews into seed_demo; here they run after it)."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command

from coaching.demo.library import seed_library
from coaching.demo.reviews import seed_reviews
from coaching.models import DevelopmentReview, LibraryCall, ReviewStatus
from monitoring import demo as monitoring_demo

SMALL = {"agents": 12, "weeks": 2, "calls_per_agent_week": 5, "seed": 1}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_small_center_gets_library_calls_and_reviews(db, client, monkeypatch):
    orgs = []
    original = monitoring_demo.seed_monitoring

    def keep(**kwargs):
        orgs.append(original(**kwargs))
        return orgs[-1]

    monkeypatch.setattr(monitoring_demo, "seed_monitoring", keep)
    call_command("seed_demo", **SMALL, stdout=io.StringIO(), stderr=io.StringIO())
    org = orgs[0]
    if LibraryCall.objects.exists():  # already wired into seed_demo by the lead
        library = {"library calls curated": LibraryCall.objects.filter(curated=True).count()}
    else:
        library = seed_library(rng=random.Random(1), org=org)
        reviews = seed_reviews(rng=random.Random(1), org=org)
        assert reviews["development reviews held"] >= 1
    assert library["library calls curated"] >= 1
    assert LibraryCall.objects.filter(curated=False).exists()
    assert set(LibraryCall.objects.values_list("kind", flat=True)) == {"exemplary", "cautionary"}
    assert not LibraryCall.objects.filter(call__recording="").exists()

    assert DevelopmentReview.objects.filter(agent=org.demo_agent).exists()
    held = DevelopmentReview.objects.filter(status=ReviewStatus.HELD)
    assert held.filter(career_direction__icontains="training role").exists()
    assert held.filter(steps__isnull=False).exists()
    assert DevelopmentReview.objects.filter(status=ReviewStatus.SCHEDULED).count() >= 3

    client.login(username="trainer", password="demo")
    page = client.get("/coaching/library/")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == LibraryCall.objects.count()
    client.login(username="agent", password="demo")
    assert client.get("/coaching/reviews/").context["page"].paginator.count == 1
    listing = client.get("/coaching/library/")
    assert listing.context["page"].paginator.count == LibraryCall.objects.filter(curated=True).count()
