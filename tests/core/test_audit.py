"""core.audit: registered, namespaced action codes, their display text, and the one writer."""

from __future__ import annotations

import ast
from pathlib import Path

from django.db import connection
from django.test import SimpleTestCase

from core.audit import (
    UnregisteredAuditAction,
    action_text,
    audit_record,
    register_action,
    registered_actions,
)
from core.models import AuditEntry
from tests.base import BaseTestCase

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "orgs", "surveys", "scoring", "decisions", "execution", "trustos")


def _written_codes() -> set[str]:
    """Every literal action code passed to audit_record(...) anywhere in the application."""
    codes: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not (
                    isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record"
                ):
                    continue
                for kw in node.keywords:
                    if kw.arg == "action":
                        codes |= {
                            n.value
                            for n in ast.walk(kw.value)
                            if isinstance(n, ast.Constant) and isinstance(n.value, str)
                        }
    return codes


class RegistryTests(SimpleTestCase):
    def test_every_code_the_application_writes_is_registered(self) -> None:
        written = _written_codes()
        self.assertGreater(len(written), 25)  # the scan found the callers
        self.assertEqual(written - set(registered_actions()), set())

    def test_every_app_registers_under_its_own_namespace(self) -> None:
        apps = {code.split(".")[0] for code in registered_actions()}
        self.assertEqual(apps, {"orgs", "surveys", "decisions", "execution", "workshops"})

    def test_it_rejects_a_code_without_app_object_and_verb(self) -> None:
        for bad in ("round.create", "Orgs.team.created", "orgs..created", ""):
            with self.subTest(code=bad), self.assertRaises(ValueError):
                register_action(bad, "Bad")

    def test_it_rejects_the_same_code_with_another_text(self) -> None:
        with self.assertRaises(ValueError):
            register_action("orgs.team.created", "Something else")
        # The same registration again (an app reloaded) is harmless.
        register_action("orgs.team.created", "Team created", legacy=("team.created",))

    def test_old_plain_codes_display_the_text_of_their_registered_action(self) -> None:
        self.assertEqual(action_text("round.create"), action_text("surveys.round.created"))
        self.assertEqual(action_text("person.exported"), "Personal data exported")
        self.assertEqual(action_text("never.heard.of"), "never.heard.of")


class AuditRecordTests(BaseTestCase):
    def test_writing_an_unregistered_code_raises_and_writes_nothing(self) -> None:
        with self.assertRaises(UnregisteredAuditAction):
            audit_record(organization=self.org, actor=self.owner, action="orgs.team.exploded")
        self.assertFalse(AuditEntry.objects.exists())

    def test_it_records_actor_object_and_changes(self) -> None:
        entry = audit_record(
            organization=self.org,
            actor=self.owner,
            action="orgs.team.updated",
            obj=self.sales,
            changes={"name": ["Sales", "Revenue"], "parent": [None, "Engineering"]},
        )
        entry.refresh_from_db()
        self.assertEqual((entry.organization, entry.actor), (self.org, self.owner))
        self.assertEqual((entry.object_type, entry.object_id), ("orgs.Team", str(self.sales.pk)))
        self.assertEqual(entry.action_text, "Team changed")
        self.assertEqual(entry.object_label, f"Team #{self.sales.pk}")
        self.assertEqual(
            entry.change_list, [("name", "Sales, Revenue"), ("parent", "—, Engineering")]
        )

    def test_system_work_and_anonymous_users_record_no_actor(self) -> None:
        from django.contrib.auth.models import AnonymousUser

        for actor in (None, AnonymousUser()):
            entry = audit_record(organization=self.org, actor=actor, action="orgs.team.created")
            self.assertIsNone(entry.actor_id)
            self.assertEqual((entry.object_label, entry.change_list), ("", []))

    def test_the_change_list_keeps_keys_that_shadow_dict_methods(self) -> None:
        entry = AuditEntry(changes={"items": ["a"], "keys": {"x": 1}, "values": None})
        self.assertEqual(entry.change_list, [("items", "a"), ("keys", "x: 1"), ("values", "—")])

    def test_the_model_moved_to_core_but_its_table_did_not(self) -> None:
        # State-only migrations: rows written while orgs owned the model stay where they are.
        tables = connection.introspection.table_names()
        self.assertIn("orgs_auditentry", tables)
        self.assertNotIn("core_auditentry", tables)
        self.assertEqual(AuditEntry._meta.db_table, "orgs_auditentry")
