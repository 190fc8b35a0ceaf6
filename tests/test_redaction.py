"""Personal data in transcripts (monitoring/redaction.py): each kind of identifier is masked and
what only looks like one is left alone; every page and the API show the masked transcript unless
the reader was granted the originals; the stored transcript keeps them."""

from django.contrib.auth.models import Permission

from monitoring.redaction import is_resident_id, passes_luhn, redact
from tests.personas import Personas


def resident_id(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


ID = resident_id("11010519491231002")  # 11010519491231002X: the standard's own example
CARD = "6222021234567890128"  # 19 digits, passes Luhn


def test_a_chinese_mobile_is_masked_but_its_last_four_digits():
    assert redact("我的手机号是13812345678，谢谢") == "我的手机号是*******5678，谢谢"
    assert redact("打 138 1234 5678 或 +86 138-1234-5678") == "打 *** **** 5678 或 +** ***-****-5678"


def test_a_landline_and_an_international_number_are_masked():
    assert redact("座机 010-62345678") == "座机 ***-****5678"
    assert redact("call +44 20 7946 0958 now") == "call +** ** **** 0958 now"


def test_a_resident_id_with_its_check_digit_is_masked():
    assert is_resident_id(ID)
    assert redact(f"身份证号 {ID} 对吧") == "身份证号 **************002X 对吧"


def test_an_id_with_a_wrong_check_digit_or_birth_date_is_not_an_id():
    wrong = ID[:17] + "1"
    assert not is_resident_id(wrong)
    assert not is_resident_id(resident_id("11010519491331002"))  # month 13


def test_a_17_digit_number_that_is_not_an_id_is_left_alone():
    number = "12345678901234567"
    assert not passes_luhn(number)
    assert redact(f"订单号 {number} 不是身份证") == f"订单号 {number} 不是身份证"


def test_a_bank_card_passing_luhn_is_masked_and_one_failing_it_is_not():
    assert passes_luhn(CARD)
    assert redact(f"卡号 {CARD}") == "卡号 ***************0128"
    assert redact("card 4111 1111 1111 1111 ok") == "card **** **** **** 1111 ok"
    assert redact("ref 4111111111111112") == "ref 4111111111111112"


def test_an_email_address_keeps_its_first_character_and_domain():
    assert redact("mail li.na+qa@example.com please") == "mail l***@example.com please"


def test_amounts_dates_and_short_numbers_stay():
    text = "amount 1234.56 on 2026-12-01, order 20261201000123, extension 8021"
    assert redact(text) == text


TRANSCRIPT = [
    {"start": 0.0, "end": 3.0, "speaker": "customer", "text": "我的手机号是13812345678"},
    {"start": 3.0, "end": 6.0, "speaker": "customer", "text": f"身份证 {ID}"},
]


class RedactedEverywhereTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.call.transcript = TRANSCRIPT
        cls.call.save()

    def test_the_call_page_and_the_api_mask_it_for_every_role(self):
        for user in (self.qa, self.supervisor, self.manager, self.agent_user):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                page = self.client.get(f"/calls/{self.call.pk}/").content.decode()
                self.assertIn("*******5678", page)
                self.assertNotIn("13812345678", page)
                self.assertNotIn(ID, page)
                api = self.client.get(f"/api/v1/calls/{self.call.pk}/")
                self.assertEqual(api.status_code, 200)
                self.assertEqual(api.json()["transcript"][0]["text"], "我的手机号是*******5678")
                self.assertNotIn(ID, api.content.decode())

    def test_a_person_granted_the_originals_reads_them_and_the_stored_text_keeps_them(self):
        self.manager.user_permissions.add(Permission.objects.get(codename="view_unredacted_transcripts"))
        self.client.force_login(self.manager)
        self.assertContains(self.client.get(f"/calls/{self.call.pk}/"), "13812345678")
        self.assertEqual(self.client.get(f"/api/v1/calls/{self.call.pk}/").json()["transcript"], TRANSCRIPT)
        self.call.refresh_from_db()
        self.assertEqual(self.call.transcript, TRANSCRIPT)

    def test_the_scoring_page_masks_it_too(self):
        from tests.scoring.factories import make_evaluation, make_scorecard_version

        version = make_scorecard_version(lines_of_business=self.lob, by=self.manager)
        evaluation = make_evaluation(call=self.call, by=self.qa, version=version, submit=False)
        self.client.force_login(self.qa)
        page = self.client.get(f"/evaluations/{evaluation.pk}/score/").content.decode()
        self.assertIn("*******5678", page)
        self.assertNotIn("13812345678", page)
