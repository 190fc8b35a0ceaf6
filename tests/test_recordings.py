"""Recording upload (validation) and playback (Range, permission, listen log)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from monitoring.models import Call, ListenLog
from tests import factories as f
from tests.audio import attach_wav, wav_bytes
from tests.personas import Personas

WAV = wav_bytes(1.0)


def upload(name="r.wav", data=WAV, content_type="audio/wav"):
    return SimpleUploadedFile(name, data, content_type=content_type)


class RecordingUploadTests(Personas):
    def setUp(self):
        self.api = APIClient()
        self.api.force_authenticate(self.manager)

    def url(self, call):
        return f"/api/v1/calls/{call.pk}/recording/"

    def test_a_wav_is_stored_with_its_sniffed_type(self):
        response = self.api.put(self.url(self.call), {"recording": upload()}, format="multipart")
        self.assertEqual(response.status_code, 200, response.content)
        self.call.refresh_from_db()
        self.assertEqual(self.call.recording_content_type, "audio/x-wav")
        self.assertEqual(self.call.recording_size, len(WAV))
        self.assertTrue(response.json()["has_recording"])

    def test_a_recording_on_a_private_line_is_refused_with_the_reason(self):
        f.PrivateLineFactory(line="8001")
        private_call = f.CallFactory(agent=self.agent, line_of_business=self.lob, line="8001")
        response = self.api.put(self.url(private_call), {"recording": upload()}, format="multipart")
        self.assertEqual(response.status_code, 403)
        self.assertIn("private line", response.json()["detail"])
        private_call.refresh_from_db()
        self.assertFalse(private_call.recording)

    def test_a_non_audio_file_is_415_even_when_it_claims_to_be_audio(self):
        fake = upload("r.wav", b"%PDF-1.4 not audio at all" * 10, "audio/wav")
        response = self.api.put(self.url(self.call), {"recording": fake}, format="multipart")
        self.assertEqual(response.status_code, 415)
        self.assertIn("recording", response.json())

    @override_settings(RECORDING_MAX_BYTES=1000)
    def test_a_file_over_the_limit_is_413(self):
        response = self.api.put(self.url(self.call), {"recording": upload()}, format="multipart")
        self.assertEqual(response.status_code, 413)
        self.assertIn("limit", response.json()["detail"])

    def test_no_file_is_a_400_naming_the_field(self):
        response = self.api.put(self.url(self.call), {}, format="multipart")
        self.assertEqual(response.status_code, 400)
        self.assertIn("recording", response.json())

    def test_an_integration_account_may_upload(self):
        from django.contrib.auth.models import Permission

        bot = f.UserFactory(username="pbx")
        bot.user_permissions.add(Permission.objects.get(codename="ingest_calls"))
        self.api.force_authenticate(bot)
        response = self.api.put(self.url(self.call), {"recording": upload()}, format="multipart")
        self.assertEqual(response.status_code, 200)

    def test_qa_may_not_upload(self):
        self.api.force_authenticate(self.qa)
        response = self.api.put(self.url(self.call), {"recording": upload()}, format="multipart")
        self.assertEqual(response.status_code, 403)


class RecordingPlaybackTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        attach_wav(cls.call, "playback.wav", audio=WAV)

    def url(self):
        return f"/calls/{self.call.pk}/recording"

    def test_a_range_request_gets_206_and_exactly_those_bytes(self):
        self.client.force_login(self.qa)
        response = self.client.get(self.url(), HTTP_RANGE="bytes=100-199")
        self.assertEqual(response.status_code, 206)
        self.assertEqual(response["Content-Range"], f"bytes 100-199/{len(WAV)}")
        self.assertEqual(response["Content-Length"], "100")
        self.assertEqual(b"".join(response.streaming_content), WAV[100:200])

    def test_an_open_ended_and_a_suffix_range(self):
        self.client.force_login(self.qa)
        tail = self.client.get(self.url(), HTTP_RANGE=f"bytes={len(WAV) - 10}-")
        self.assertEqual(b"".join(tail.streaming_content), WAV[-10:])
        suffix = self.client.get(self.url(), HTTP_RANGE="bytes=-4")
        self.assertEqual(b"".join(suffix.streaming_content), WAV[-4:])

    def test_no_range_gets_the_whole_file_and_advertises_ranges(self):
        self.client.force_login(self.qa)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Accept-Ranges"], "bytes")
        self.assertEqual(b"".join(response.streaming_content), WAV)

    def test_a_range_past_the_end_is_416(self):
        self.client.force_login(self.qa)
        response = self.client.get(self.url(), HTTP_RANGE=f"bytes={len(WAV) + 5}-")
        self.assertEqual(response.status_code, 416)
        self.assertEqual(response["Content-Range"], f"bytes */{len(WAV)}")

    def test_a_listen_is_logged_once_per_listening_session(self):
        self.client.force_login(self.supervisor)
        self.client.get(self.url(), HTTP_RANGE="bytes=0-")
        self.client.get(self.url(), HTTP_RANGE="bytes=500-")  # the player seeking
        logs = ListenLog.objects.filter(call=self.call)
        self.assertEqual(logs.count(), 1)
        self.assertEqual(logs.get().user, self.supervisor)

    def test_the_api_serves_the_same_bytes_with_a_token(self):
        api = APIClient()
        api.force_authenticate(self.agent_user)
        response = api.get(f"/api/v1/calls/{self.call.pk}/recording/", HTTP_RANGE="bytes=0-3")
        self.assertEqual(response.status_code, 206)
        self.assertEqual(b"".join(response.streaming_content), b"RIFF")

    def test_the_agent_hears_own_call(self):
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.get(self.url(), HTTP_RANGE="bytes=0-3").status_code, 206)

    def test_another_agent_gets_404_and_no_listen_is_logged(self):
        self.client.force_login(self.other_agent_user)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertFalse(ListenLog.objects.exists())

    def test_a_supervisor_of_another_team_gets_404(self):
        self.client.force_login(self.other_supervisor)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_hr_gets_no_recordings(self):
        self.client.force_login(self.hr)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        api = APIClient()
        api.force_authenticate(self.hr)
        self.assertEqual(api.get(f"/api/v1/calls/{self.call.pk}/recording/").status_code, 403)

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.assertEqual(Call.objects.get(pk=self.call.pk).listens.count(), 0)
