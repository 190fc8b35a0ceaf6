"""Managers change the performance score's components and bonus bands on /performance/settings/:
validated as a set (weights add up to 100; unique band floors; a band from 0), kept in history
with who changed what; everyone else is refused."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from reports.models import BonusBand, PerformanceComponent
from reports.services.performance import (
    BandInput,
    bonus_bands_replace,
    performance_component_create,
    performance_components_update,
)
from tests.personas import Personas

URL = "/performance/settings/"


def component(code: str) -> PerformanceComponent:
    return PerformanceComponent.objects.get(code=code)


class SettingsPageTests(Personas):
    def components_post(self, **overrides) -> dict:
        """The components form as shown, with `overrides` ({code: {field: value}})."""
        rows = list(PerformanceComponent.objects.order_by("position", "pk"))
        data = {
            "part": "components",
            "components-TOTAL_FORMS": len(rows),
            "components-INITIAL_FORMS": len(rows),
        }
        for i, c in enumerate(rows):
            values = {"id": c.pk, "weight": c.weight, "target_seconds": c.target_seconds or "", "active": c.active}
            values.update(overrides.get(c.code, {}))
            for name, value in values.items():
                if name == "active":
                    if value:
                        data[f"components-{i}-active"] = "on"
                else:
                    data[f"components-{i}-{name}"] = value
        return data

    def bands_post(self, bands: list[tuple]) -> dict:
        data = {"part": "bands", "bands-TOTAL_FORMS": len(bands), "bands-INITIAL_FORMS": 0}
        for i, (pk, name, floor, multiplier) in enumerate(bands):
            data.update(
                {
                    f"bands-{i}-id": pk or "",
                    f"bands-{i}-name": name,
                    f"bands-{i}-min_score": floor,
                    f"bands-{i}-multiplier": multiplier,
                }
            )
        return data

    def test_a_manager_sees_the_components_and_bands(self):
        self.client.force_login(self.manager)
        response = self.client.get(URL)
        self.assertContains(response, "Attendance (imported)")
        self.assertContains(response, "Outstanding")

    def test_a_manager_rebalances_the_weights_and_the_change_is_in_history(self):
        self.client.force_login(self.manager)
        data = self.components_post(qa={"weight": 50}, attendance={"weight": 0, "active": False})
        response = self.client.post(URL, data)
        self.assertRedirects(response, URL)
        self.assertEqual(component("qa").weight, 50)
        self.assertFalse(component("attendance").active)
        latest = PerformanceComponent.history.filter(id=component("qa").pk).latest()
        self.assertEqual((latest.history_user, latest.weight), (self.manager, 50))
        self.assertEqual(latest.prev_record.weight, 40)
        page = self.client.get(URL)
        self.assertContains(page, "40 → <strong>50</strong>")

    def test_weights_that_do_not_add_up_to_100_are_refused_and_nothing_is_saved(self):
        self.client.force_login(self.manager)
        response = self.client.post(URL, self.components_post(qa={"weight": 45}))
        self.assertContains(response, "add up to 105 %", status_code=400)
        self.assertEqual(component("qa").weight, 40)

    def test_a_time_component_needs_a_target(self):
        self.client.force_login(self.manager)
        response = self.client.post(URL, self.components_post(acw={"target_seconds": ""}))
        self.assertContains(response, "needs a target", status_code=400)
        self.assertEqual(component("acw").target_seconds, 60)

    def test_a_manager_replaces_the_bands(self):
        self.client.force_login(self.manager)
        good = BonusBand.objects.get(name="Good")
        response = self.client.post(
            URL, self.bands_post([(good.pk, "Good", "75.0", "1.10"), (None, "Base", "0", "0.5")])
        )
        self.assertRedirects(response, URL)
        self.assertEqual(
            list(BonusBand.objects.values_list("name", "min_score", "multiplier")),
            [("Good", Decimal("75.0"), Decimal("1.10")), ("Base", Decimal("0.0"), Decimal("0.50"))],
        )
        self.assertEqual(BonusBand.history.filter(id=good.pk).latest().history_user, self.manager)

    def test_two_bands_on_one_floor_are_refused(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            URL, self.bands_post([(None, "A", "50", "1"), (None, "B", "50", "1"), (None, "C", "0", "0")])
        )
        self.assertContains(response, "Two bands start at 50", status_code=400)
        self.assertEqual(BonusBand.objects.count(), 5)

    def test_the_bands_need_one_from_zero(self):
        self.client.force_login(self.manager)
        response = self.client.post(URL, self.bands_post([(None, "A", "50", "1")]))
        self.assertContains(response, "One band must start at 0", status_code=400)

    def test_a_manager_adds_an_imported_component_inactive(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            URL, {"part": "new", "new-code": "sales", "new-name": "Sales", "new-source": "imported"}
        )
        self.assertRedirects(response, URL)
        sales = component("sales")
        self.assertEqual((sales.active, sales.weight), (False, 0))

    def test_everyone_but_managers_is_refused(self):
        for user in (self.agent_user, self.supervisor, self.qa, self.trainer, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user.username)
            self.assertEqual(self.client.post(URL, self.components_post()).status_code, 403, user.username)


class SettingsServiceTests(Personas):
    def test_it_refuses_anyone_but_a_manager(self):
        with self.assertRaises(PermissionDenied):
            performance_components_update(changes={}, by=self.supervisor)

    def test_it_names_the_field_of_a_bad_set(self):
        with self.assertRaises(ValidationError) as caught:
            performance_components_update(changes={component("qa").pk: {"weight": 41}}, by=self.manager)
        self.assertIn("weight", caught.exception.message_dict)

    def test_two_bands_may_swap_floors(self):
        good, fair = BonusBand.objects.get(name="Good"), BonusBand.objects.get(name="Fair")
        others = [
            BandInput(b.name, b.min_score, b.multiplier, b.pk)
            for b in BonusBand.objects.exclude(pk__in=[good.pk, fair.pk])
        ]
        bonus_bands_replace(
            bands=[*others, BandInput("Good", "70.0", "1.00", good.pk), BandInput("Fair", "80.0", "0.80", fair.pk)],
            by=self.manager,
        )
        good.refresh_from_db()
        fair.refresh_from_db()
        self.assertEqual((good.min_score, fair.min_score), (Decimal("70.0"), Decimal("80.0")))

    def test_a_duplicate_code_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            performance_component_create(code="qa", name="QA again", source="imported", by=self.manager)
        self.assertIn("code", caught.exception.message_dict)
