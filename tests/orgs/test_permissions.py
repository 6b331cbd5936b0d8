"""Role permissions: only org admins reach the set-up pages and API; leaders, facilitators and
employees get 403, anonymous visitors are sent to log in (pages) or refused (API)."""

from __future__ import annotations

from rest_framework.test import APIClient

from orgs.models import Person
from tests.base import BaseTestCase
from tests.factories import api_token_make, user_make
from tests.orgs.helpers import urls_for


class UiPermissionTests(BaseTestCase):
    def test_admin_opens_every_page(self) -> None:
        self.login(self.owner)
        for name, url, _has_object in urls_for("orgs", self.org):
            r = self.client.get(url)
            if name == "import_preview":
                self.assertRedirects(r, "/setup/people/import/")  # nothing uploaded yet
                continue
            if r.status_code == 405:
                continue
            self.assertEqual(r.status_code, 200, f"{name} {url}")

    def test_non_admin_roles_get_403_on_every_page_and_action(self) -> None:
        for user in (self.leader, self.facilitator, self.member):
            self.login(user)
            for name, url, _has_object in urls_for("orgs", self.org):
                for method in ("get", "post"):
                    r = getattr(self.client, method)(url)
                    self.assertEqual(r.status_code, 403, f"{user} {method} {name}")
        self.assertTrue(Person.objects.get(pk=self.member_person.pk).is_active)

    def test_anonymous_is_sent_to_login(self) -> None:
        for _name, url, _has_object in urls_for("orgs", self.org):
            r = self.client.get(url)
            self.assertEqual(r.status_code, 302)
            self.assertTrue(r["Location"].startswith("/accounts/login/"))

    def test_a_user_without_any_org_gets_403(self) -> None:
        self.login(user_make())
        self.assertEqual(self.client.get("/setup/").status_code, 403)

    def test_setup_is_in_the_navigation_of_admins_only(self) -> None:
        self.login(self.owner)
        self.assertContains(self.client.get("/"), 'href="/setup/"')
        self.login(self.leader)
        self.assertNotContains(self.client.get("/"), 'href="/setup/"')


class ApiPermissionTests(BaseTestCase):
    def client_for(self, user: object) -> APIClient:
        api = APIClient()
        key = api_token_make(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return api

    def test_admin_with_a_token_reads_every_endpoint(self) -> None:
        api = self.client_for(self.owner)
        for name, url, _has_object in urls_for("orgsapi", self.org):
            r = api.get(url)
            self.assertEqual(r.status_code, 200, f"{name} {url}")

    def test_non_admin_roles_get_403_on_every_endpoint_and_method(self) -> None:
        for user in (self.leader, self.facilitator, self.member):
            api = self.client_for(user)
            for name, url, _has_object in urls_for("orgsapi", self.org):
                for method in ("get", "post", "patch", "delete"):
                    r = getattr(api, method)(url, {}, format="json")
                    if r.status_code == 405:
                        continue
                    self.assertEqual(r.status_code, 403, f"{user} {method} {name}")
        self.assertTrue(Person.objects.filter(pk=self.member_person.pk).exists())

    def test_anonymous_and_bad_token_are_refused(self) -> None:
        bad = APIClient()
        bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        for name, url, _has_object in urls_for("orgsapi", self.org):
            self.assertIn(APIClient().get(url).status_code, (401, 403), name)
            self.assertIn(bad.get(url).status_code, (401, 403), name)

    def test_session_auth_works_too(self) -> None:
        api = APIClient()
        api.force_login(self.owner)
        self.assertEqual(api.get("/api/v1/organization/").json()["slug"], "acme")
