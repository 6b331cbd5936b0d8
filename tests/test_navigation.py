"""The main navigation shows each role the pages it may use."""

from django.urls import reverse

from tests.base import BaseTestCase


class NavigationTests(BaseTestCase):
    def _nav_labels(self) -> list[str]:
        r = self.client.get(reverse("home"))
        return [item["label"] for item in r.context["nav_items"]]

    def test_admin_sees_setup(self) -> None:
        self.login(self.owner)
        self.assertIn("Set-up", self._nav_labels())

    def test_leader_sees_results_but_not_setup(self) -> None:
        self.login(self.leader)
        labels = self._nav_labels()
        self.assertIn("Results", labels)
        self.assertNotIn("Set-up", labels)

    def test_employee_sees_decisions_only_when_org_allows_logging(self) -> None:
        self.login(self.member)
        self.assertNotIn("Decisions", self._nav_labels())
        self.org.employees_can_log_decisions = True
        self.org.save(update_fields=["employees_can_log_decisions"])
        self.assertIn("Decisions", self._nav_labels())
