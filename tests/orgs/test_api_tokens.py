"""API tokens: hashed at rest, shown once, expiring, scoped, bound to one organization, throttled."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import AuditEntry
from orgs.models import ApiToken, Membership, Role
from orgs.selectors import person_own_data
from tests.base import BaseTestCase
from tests.factories import api_token_make


def client_with(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


class ApiTokenPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def create(self, **data: object) -> tuple[str, object]:
        r = self.client.post(
            "/setup/api-token/",
            {"action": "create", "name": "HRIS sync", "scope": "write", "days": 90, **data},
        )
        self.assertEqual(r.status_code, 200)
        match = re.search(r'<code class="token">([^<]+)</code>', r.content.decode())
        assert match is not None
        return match.group(1), r

    def test_the_key_is_shown_once_and_only_its_hash_is_stored(self) -> None:
        key, r = self.create()
        self.assertEqual(r["Cache-Control"], "no-store")  # type: ignore[index]
        token = ApiToken.objects.get(user=self.owner)
        self.assertNotEqual(token.key_hash, key)
        self.assertNotIn(key, token.key_hash)
        self.assertEqual(token.key_hash, hashlib.sha256(key.encode()).hexdigest())
        self.assertEqual(token.prefix, key[:8])
        self.assertEqual(token.organization, self.org)
        self.assertEqual(token.scope, "write")
        expected = timezone.now() + timedelta(days=90)
        self.assertLess(abs((token.expires_at - expected).total_seconds()), 60)
        page = self.client.get("/setup/api-token/")
        self.assertNotContains(page, key)
        self.assertContains(page, "HRIS sync")
        self.assertContains(page, f"{key[:8]}…")
        self.assertContains(page, "never")  # not used yet
        self.assertTrue(
            AuditEntry.objects.filter(action="orgs.api_token.created", actor=self.owner).exists()
        )
        self.assertEqual(client_with(key).get("/api/v1/organization/").json()["slug"], "acme")
        self.assertEqual(ApiToken.objects.get(pk=token.pk).last_used_on, timezone.now().date())

    def test_the_lifetime_is_chosen_from_30_90_or_365_days(self) -> None:
        self.create(days=365)
        token = ApiToken.objects.get(user=self.owner)
        self.assertGreater(token.expires_at, timezone.now() + timedelta(days=364))
        r = self.client.post(
            "/setup/api-token/",
            {"action": "create", "name": "x", "scope": "read", "days": 10000},
        )
        self.assertEqual(r.status_code, 400)
        self.assertEqual(ApiToken.objects.filter(user=self.owner).count(), 1)

    def test_revoking_keeps_the_row_and_refuses_the_key(self) -> None:
        key, _ = self.create()
        token = ApiToken.objects.get(user=self.owner)
        self.client.post("/setup/api-token/", {"action": "revoke", "token": token.pk})
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertTrue(
            AuditEntry.objects.filter(action="orgs.api_token.revoked", actor=self.owner).exists()
        )
        r = client_with(key).get("/api/v1/teams/")
        self.assertEqual(r.status_code, 401)
        self.assertIn("revoked", r.json()["detail"])
        self.assertEqual(r["WWW-Authenticate"], "Token")

    def test_another_users_token_cannot_be_revoked(self) -> None:
        key = api_token_make(user=self.outsider)
        other = ApiToken.objects.get(user=self.outsider)
        r = self.client.post("/setup/api-token/", {"action": "revoke", "token": other.pk})
        self.assertEqual(r.status_code, 404)
        self.assertEqual(client_with(key).get("/api/v1/teams/").status_code, 200)


class ApiTokenAuthTests(BaseTestCase):
    def test_an_expired_token_gets_401_saying_so(self) -> None:
        key = api_token_make(user=self.owner)
        ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        r = client_with(key).get("/api/v1/teams/")
        self.assertEqual(r.status_code, 401)
        self.assertIn("expired", r.json()["detail"])
        self.assertEqual(r["WWW-Authenticate"], "Token")

    def test_an_unknown_key_gets_401(self) -> None:
        api_token_make(user=self.owner)
        self.assertEqual(client_with("not-a-real-key").get("/api/v1/teams/").status_code, 401)

    def test_a_read_token_reads_but_its_writes_get_403_naming_the_scope(self) -> None:
        api = client_with(api_token_make(user=self.owner, scope="read"))
        self.assertEqual(api.get("/api/v1/teams/").status_code, 200)
        r = api.post("/api/v1/teams/", {"name": "New"}, format="json")
        self.assertEqual(r.status_code, 403)
        self.assertIn("'read' scope", r.json()["detail"])
        r = api.patch("/api/v1/organization/", {"name": "Renamed"}, format="json")
        self.assertEqual(r.status_code, 403)
        self.org.refresh_from_db()
        self.assertEqual(self.org.name, "Acme")

    def test_a_write_token_writes(self) -> None:
        api = client_with(api_token_make(user=self.owner, scope="write"))
        r = api.patch("/api/v1/organization/", {"name": "Renamed"}, format="json")
        self.assertEqual(r.status_code, 200)

    def test_a_token_acts_in_its_own_org_not_the_users_lowest_id_org(self) -> None:
        # The outsider also administers Acme, which has the lower id.
        Membership.objects.create(user=self.outsider, organization=self.org, role=Role.ADMIN)
        self.assertLess(self.org.pk, self.other_org.pk)
        api = client_with(api_token_make(user=self.outsider, org=self.other_org))
        self.assertEqual(api.get("/api/v1/organization/").json()["slug"], "other")
        names = [t["name"] for t in api.get("/api/v1/teams/").json()["results"]]
        self.assertEqual(names, ["Other team"])
        self.assertEqual(api.get(f"/api/v1/teams/{self.platform.pk}/").status_code, 404)
        acme = client_with(api_token_make(user=self.outsider, org=self.org))
        self.assertEqual(acme.get("/api/v1/organization/").json()["slug"], "acme")

    def test_a_token_stops_working_in_an_org_the_user_left(self) -> None:
        key = api_token_make(user=self.outsider)
        Membership.objects.filter(user=self.outsider).delete()
        self.assertEqual(client_with(key).get("/api/v1/teams/").status_code, 403)

    @override_settings(API_TOKEN_RATE="2/min")
    def test_requests_are_throttled_per_token(self) -> None:
        cache.clear()
        self.addCleanup(cache.clear)
        first = client_with(api_token_make(user=self.owner))
        second = client_with(api_token_make(user=self.owner))
        self.assertEqual(first.get("/api/v1/teams/").status_code, 200)
        self.assertEqual(first.get("/api/v1/teams/").status_code, 200)
        self.assertEqual(first.get("/api/v1/teams/").status_code, 429)
        self.assertEqual(second.get("/api/v1/teams/").status_code, 200)

    def test_the_gdpr_export_lists_the_persons_tokens_without_the_hash(self) -> None:
        key = api_token_make(user=self.member, org=self.org, scope="read")
        data = person_own_data(self.member_person)
        token = ApiToken.objects.get(user=self.member)
        self.assertEqual(len(data["api_tokens"]), 1)
        self.assertEqual(data["api_tokens"][0]["prefix"], key[:8])
        self.assertEqual(data["api_tokens"][0]["scope"], "read")
        self.assertNotIn(token.key_hash, repr(data))
        self.assertNotIn(key, repr(data))
