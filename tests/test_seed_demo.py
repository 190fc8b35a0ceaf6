"""`manage.py seed_demo` (DESIGN.md §8) and the generated recordings behind it."""

import datetime as dt
import io
import wave

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from monitoring import audio, demo
from monitoring.models import Agent, Call, LineOfBusiness, PrivateLine, Shift, Site, Team

User = get_user_model()
SMALL = {"agents": 12, "weeks": 2, "calls_per_agent_week": 5, "seed": 1}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", **{**SMALL, **options}, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return seed()


def fingerprint() -> list[tuple]:
    return list(
        Call.objects.order_by("external_id").values_list(
            "external_id", "agent__employee_id", "start_time", "talk_seconds", "csat", "recording"
        )
    )


def wipe() -> None:
    from coaching.models import CoachingPlan, DevelopmentReview, LibraryCall, TrainingNeed, TrainingSession
    from monitoring.models import Assignment
    from reports.models import Adjustment, GeneratedReport, MonthClose
    from scoring.models import Answer, CalibrationSession, Dispute, Evaluation, Scorecard

    # What seed_demo's reports step made: frozen results protect their agents (a paid month).
    Adjustment.objects.all().delete()
    MonthClose.objects.all().delete()
    GeneratedReport.objects.all().delete()
    # Coaching: plans and reviews protect their agents, library entries their calls.
    for model in (CoachingPlan, TrainingSession, TrainingNeed, LibraryCall, DevelopmentReview):
        model.objects.all().delete()
    Dispute.objects.all().delete()
    Answer.objects.all().delete()
    Evaluation.objects.all().delete()
    CalibrationSession.objects.all().delete()  # its calls, consensus answers and participants protect
    Assignment.objects.all().delete()
    Scorecard.objects.all().delete()
    Call.objects.all().delete()
    PrivateLine.objects.all().delete()
    Agent.objects.all().delete()
    Team.objects.all().delete()
    Site.objects.all().delete()
    LineOfBusiness.objects.all().delete()
    Shift.objects.all().delete()
    User.objects.all().delete()


def test_the_six_demo_logins_authenticate_with_demo(seeded):
    for username, role in demo.DEMO_LOGINS.items():
        user = authenticate(username=username, password="demo")
        assert user is not None, username
        assert list(user.groups.values_list("name", flat=True)) == [role]


def test_only_the_demo_logins_have_a_password(seeded):
    others = User.objects.exclude(username__in=demo.DEMO_LOGINS)
    assert others.filter(username__startswith="sup").exists()
    assert others.filter(username__in=["qa2", "qa3", "qa4", "trainer2"]).count() == 4
    assert not any(user.has_usable_password() for user in others)


def test_manager_may_open_the_admin_and_manage_monitoring(seeded):
    manager = User.objects.get(username="manager")
    assert manager.is_staff and not manager.is_superuser
    assert manager.has_perm("monitoring.change_call")
    assert manager.has_perm("monitoring.add_privateline")


def test_agent_login_is_a_settled_active_agent_with_calls(seeded):
    agent = Agent.objects.get(user__username="agent")
    assert agent.active
    assert (dt.date.today() - agent.hire_date).days >= 90
    assert agent.calls.exclude(recording="").exists()
    assert agent.team.supervisors.filter(username="supervisor").exists()


def test_supervisor_leads_two_teams_with_agents_and_every_team_has_a_lead(seeded):
    teams = Team.objects.filter(supervisors__username="supervisor")
    assert teams.count() == 2
    assert all(team.agents.exists() for team in teams)
    assert not Team.objects.filter(supervisors=None).exists()


def test_center_has_lines_teams_and_shifts_covering_every_hour(seeded):
    assert LineOfBusiness.objects.count() >= 3
    assert Team.objects.count() >= 6
    shifts = list(Shift.objects.all())
    assert len(shifts) >= 3
    for hour in range(24):
        assert any(shift.contains(dt.time(hour, 30)) for shift in shifts), hour


def test_agents_have_employee_ids_tenure_and_notice_of_monitoring(seeded):
    agents = Agent.objects.all()
    assert agents.count() == 12
    assert all(a.employee_id.startswith("E1") and a.monitoring_notified_on >= a.hire_date for a in agents)
    assert agents.filter(active=False).exists()
    assert agents.filter(user=None).count() == 11


def test_every_call_has_a_shift_kpis_and_a_unique_demo_id(seeded):
    calls = Call.objects.all()
    assert calls.count() > 50
    assert not calls.filter(shift=None).exists()
    assert set(calls.values_list("source", flat=True)) == {"demo"}
    assert calls.values("external_id").distinct().count() == calls.count()
    assert calls.filter(direction="outbound").exists() and calls.filter(direction="inbound").exists()
    assert calls.filter(csat__isnull=False).exists()


def test_calls_on_private_lines_have_no_recording(seeded):
    private = Call.objects.filter(line__in=PrivateLine.objects.values("line"))
    assert private.exists()
    assert not private.exclude(recording="").exists()
    assert not private.filter(transcript__isnull=False).exists()


def test_recorded_calls_point_at_a_wav_in_storage_with_a_matching_transcript(seeded, media_root):
    call = Call.objects.exclude(recording="").first()
    assert call.recording.name.startswith("recordings/demo/pool-")
    assert (media_root / call.recording.name).exists()
    with default_storage.open(call.recording.name, "rb") as stored:
        data = stored.read()
    assert data.startswith(b"RIFF") and data[8:12] == b"WAVE"
    assert call.recording_size == len(data)
    assert call.recording_content_type == "audio/x-wav"
    seconds = audio.wav_duration(data)
    assert 8 <= seconds <= 20
    assert {segment["speaker"] for segment in call.transcript} == {"agent", "customer"}
    assert call.transcript[-1]["end"] <= seconds


def test_if_empty_leaves_a_loaded_database_alone(seeded):
    before = fingerprint()
    assert "Database already has data; demo data not loaded." in seed(if_empty=True, seed=2)
    assert fingerprint() == before


def test_without_if_empty_it_refuses_a_loaded_database(seeded):
    count = Call.objects.count()
    with pytest.raises(CommandError, match="empty database"):
        seed(seed=2)
    assert Call.objects.count() == count


def test_it_refuses_fewer_agents_than_teams(db):
    with pytest.raises(CommandError, match="at least 6"):
        seed(agents=5)
    assert not Agent.objects.exists()


def calibration_fingerprint() -> list[tuple]:
    """The calibration demo (scoring/demo_calibration.py): sessions, what was scored in them, and
    the double-scored pairs' totals (times are anchored to the present, so left out)."""
    from scoring.models import CalibrationItem, Evaluation

    items = CalibrationItem.objects.order_by("session__week_start", "session__title", "position")
    scores = Evaluation.objects.filter(kind="calibration").order_by("call__external_id", "evaluator__username")
    return list(items.values_list("session__title", "session__status", "call__external_id", "consensus_total")) + list(
        scores.values_list("call__external_id", "evaluator__username", "total")
    )


def test_the_same_seed_gives_the_same_calls(seeded):
    first, calibration = fingerprint(), calibration_fingerprint()
    assert calibration
    wipe()
    seed()
    assert fingerprint() == first
    assert calibration_fingerprint() == calibration
    wipe()
    seed(seed=2)
    assert fingerprint() != first


def test_the_summary_prints_the_demo_logins(db):
    out = seed()
    for username in demo.DEMO_LOGINS:
        assert f"{username:<10} / demo" in out


def test_tone_wav_is_real_audio_of_the_asked_length():
    data = audio.make_tone_wav(3.0, sample_rate=8000)
    assert data.startswith(b"RIFF")
    with wave.open(io.BytesIO(data)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 8000)
        assert reader.getnframes() == 24_000


def test_without_espeak_the_dialogue_falls_back_to_timed_tones(monkeypatch):
    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    turns = [("agent", "Billing, this is Lily. How can I help?"), ("customer", "My bill is too high.")]
    assert audio.make_dialogue_wav(turns) is None
    rendered = audio.dialogue_audio(turns)
    assert not rendered.synthesized
    assert rendered.wav.startswith(b"RIFF")
    assert [s["speaker"] for s in rendered.segments] == ["agent", "customer"]
    assert rendered.segments[-1]["end"] <= rendered.seconds


@pytest.mark.skipif(audio.espeak_path() is None, reason="espeak-ng is not installed")
def test_with_espeak_the_dialogue_is_spoken():
    rendered = audio.make_dialogue_wav([("agent", "Thank you for calling."), ("customer", "Hello.")])
    assert rendered is not None and rendered.synthesized
    assert rendered.segments[0]["start"] < rendered.segments[0]["end"] <= rendered.segments[1]["start"]


def test_it_reuses_lines_and_shifts_that_are_already_configured(db):
    day = Shift.objects.create(code="day", name="Day (configured)", start=dt.time(8), end=dt.time(17))
    billing = LineOfBusiness.objects.create(code="billing", name="Billing (configured)")
    seed()
    assert Shift.objects.filter(code="day").get() == day
    assert LineOfBusiness.objects.filter(code="billing").get() == billing
    assert Call.objects.filter(shift=day).exists() and Call.objects.filter(line_of_business=billing).exists()


def test_the_demo_managers_dashboard_shows_a_random_sample_estimate(seeded, client):
    from scoring.models import Evaluation

    client.force_login(User.objects.get(username="manager"))
    response = client.get("/dashboard/")
    assert response.status_code == 200
    board = response.context["board"]
    assert board.summary.n > 0
    # The history was drawn at random within each agent's week: the estimate rests on those
    # picks, weighted by their recorded chances, and stands for more calls than were scored.
    assert 0 < board.random.n <= board.summary.n
    assert board.random.weight_sum > board.random.n
    assert board.random.mean is not None and 0 <= board.random.mean <= 100
    assert Evaluation.objects.filter(assignment__isnull=False, assignment__inclusion_probability__gt=0).exists()
