"""The CSV checker: every bad row reported with its line and column; file-level problems
(empty, not UTF-8, too big, wrong columns) get one clear message."""

from __future__ import annotations

from django.test import SimpleTestCase

from orgs.import_plan import ExistingPerson, ExistingTeam, plan_import
from orgs.importing import EXAMPLE_CSV, MAX_BYTES, ImportFileError, parse_people_csv

HEADER = "email,name,team,parent_team,external_id,location,tenure_band\n"


def where(errors: list) -> list[tuple[int, str]]:
    return [(e.line, e.column) for e in errors]


class ParseTests(SimpleTestCase):
    def test_it_reads_the_documented_example(self) -> None:
        parsed = parse_people_csv(EXAMPLE_CSV.encode())
        self.assertEqual(parsed.errors, [])
        self.assertEqual(len(parsed.rows), 5)
        ada = parsed.rows[0]
        self.assertEqual(
            (ada.line, ada.email, ada.team, ada.parent_team),
            (2, "ada.lovelace@example.com", "Platform", "Engineering"),
        )
        self.assertEqual(ada.attributes, {"location": "Berlin", "tenure_band": "3-5y"})

    def test_it_lists_every_bad_row_with_line_and_column(self) -> None:
        data = (
            HEADER
            + "ok@example.com,Ok,Platform,Engineering,,,\n"
            + "not-an-email,Bad Email,Platform,,,,\n"
            + "noname@example.com,,Platform,,,,\n"
            + "OK@example.com,Duplicate,Platform,,,,\n"
            + ",No Email,,,,,\n"
            + "orphan@example.com,Orphan,,Engineering,,,\n"
            + "self@example.com,Self,Loop,Loop,,,\n"
        ).encode()
        parsed = parse_people_csv(data)
        self.assertEqual(
            where(parsed.errors),
            [
                (3, "email"),
                (4, "name"),
                (5, "email"),
                (6, "email"),
                (7, "parent_team"),
                (8, "parent_team"),
            ],
        )
        self.assertIn("first on line 2", parsed.errors[2].message)
        self.assertEqual([r.email for r in parsed.rows], ["ok@example.com"])

    def test_it_names_unknown_and_missing_columns_on_line_1(self) -> None:
        parsed = parse_people_csv(b"mail,name,department\na@example.com,A,X\n")
        self.assertEqual(where(parsed.errors), [(1, "mail"), (1, "department"), (1, "email")])
        self.assertIn("required column is missing", parsed.errors[2].message)
        self.assertEqual(parsed.rows, [])

    def test_it_refuses_a_repeated_column(self) -> None:
        parsed = parse_people_csv(b"email,name,name\na@example.com,A,B\n")
        self.assertEqual(where(parsed.errors), [(1, "name")])

    def test_it_refuses_an_empty_file(self) -> None:
        for data in (b"", b"  \n\n", b"\xef\xbb\xbf"):
            with self.assertRaisesMessage(ImportFileError, "empty"):
                parse_people_csv(data)

    def test_it_refuses_a_header_without_people(self) -> None:
        with self.assertRaisesMessage(ImportFileError, "no people"):
            parse_people_csv(HEADER.encode())

    def test_it_reports_where_a_non_utf8_file_breaks(self) -> None:
        data = (HEADER + "jose@example.com,José,,,,,\n").encode("latin-1")
        with self.assertRaises(ImportFileError) as ctx:
            parse_people_csv(data)
        msg = str(ctx.exception)
        offset = data.index(b"\xe9")
        self.assertIn("not UTF-8", msg)
        self.assertIn(f"byte offset {offset}", msg)
        self.assertIn("0xE9", msg)
        self.assertIn("line 2", msg)

    def test_it_accepts_a_byte_order_mark_and_semicolons(self) -> None:
        data = "\ufeffemail;name;team\nzoe@example.com;Zoë;Design\n".encode()
        parsed = parse_people_csv(data)
        self.assertEqual(parsed.errors, [])
        self.assertEqual((parsed.rows[0].name, parsed.rows[0].team), ("Zoë", "Design"))

    def test_it_refuses_a_file_over_the_size_limit(self) -> None:
        data = HEADER.encode() + b"a@example.com,A,,,,,\n" * (MAX_BYTES // 20)
        with self.assertRaisesMessage(ImportFileError, "the limit is 2 MB"):
            parse_people_csv(data)

    def test_it_reports_rows_with_too_many_or_too_few_values(self) -> None:
        parsed = parse_people_csv(b"email,name,team\na@example.com,A,X,extra\nb@example.com,B\n")
        self.assertEqual(where(parsed.errors), [(2, ""), (3, "team")])

    def test_a_quoted_multiline_value_keeps_line_numbers_right(self) -> None:
        parsed = parse_people_csv(b'email,name\na@example.com,"Ann\nSecond line"\nbad,B\n')
        self.assertEqual(where(parsed.errors), [(4, "email")])


def team(name: str, parent: str | None = None, active: bool = True) -> tuple[str, ExistingTeam]:
    return name.casefold(), ExistingTeam(name=name, parent=parent, is_active=active)


def person(
    email: str, name: str, team_name: str | None, active: bool = True
) -> tuple[str, ExistingPerson]:
    return email, ExistingPerson(email, name, team_name, "", {}, active)


class PlanTests(SimpleTestCase):
    def rows(self, body: str) -> list:
        parsed = parse_people_csv((HEADER + body).encode())
        self.assertEqual(parsed.errors, [])
        return parsed.rows

    def test_it_refuses_a_cycle_inside_the_file(self) -> None:
        rows = self.rows(
            "a@x.io,A,Alpha,Beta,,,\nb@x.io,B,Beta,Gamma,,,\nc@x.io,C,Gamma,Alpha,,,\n"
        )
        plan = plan_import(rows, teams={}, people={})
        self.assertEqual(where(plan.errors), [(2, "parent_team")])
        self.assertIn("cycle", plan.errors[0].message)
        self.assertIn("Alpha", plan.errors[0].message)

    def test_it_refuses_a_cycle_with_the_existing_tree(self) -> None:
        teams = dict([team("Engineering"), team("Platform", "Engineering")])
        rows = self.rows("a@x.io,A,Engineering,Platform,,,\n")
        plan = plan_import(rows, teams=teams, people={})
        self.assertEqual(where(plan.errors), [(2, "parent_team")])
        self.assertIn("Engineering → Platform → Engineering", plan.errors[0].message)

    def test_it_refuses_two_parents_for_one_team(self) -> None:
        rows = self.rows("a@x.io,A,Platform,Engineering,,,\nb@x.io,B,Platform,Sales,,,\n")
        plan = plan_import(rows, teams={}, people={})
        self.assertEqual(where(plan.errors), [(3, "parent_team")])
        self.assertIn("line 2", plan.errors[0].message)

    def test_it_plans_creates_updates_moves_and_deactivations(self) -> None:
        teams = dict([team("Engineering"), team("Platform"), team("Old", active=False)])
        people = dict(
            [
                person("a@x.io", "Ann", "Platform"),
                person("b@x.io", "Bob", "Platform"),
                person("c@x.io", "Cy", "Platform"),
                person("d@x.io", "Di", None, active=False),
            ]
        )
        rows = self.rows(
            "a@x.io,Ann,platform,Engineering,,,\n"  # team spelled differently: same team, moved
            "b@x.io,Bobby,Platform,Engineering,,,\n"
            "d@x.io,Di,Old,,,,\n"
            "e@x.io,Eve,Mobile,Engineering,,Berlin,\n"
        )
        plan = plan_import(rows, teams=teams, people=people)
        self.assertEqual(plan.errors, [])
        self.assertEqual(
            [r.action for r in plan.rows], ["unchanged", "update", "reactivate", "create"]
        )
        self.assertEqual(plan.rows[1].changes, {"name": ["Bob", "Bobby"]})
        self.assertEqual(plan.teams_create, [("Mobile", "Engineering")])
        self.assertEqual(plan.teams_move, [("Platform", None, "Engineering")])
        self.assertEqual(plan.teams_reactivate, ["Old"])
        self.assertEqual([p.email for p in plan.deactivate], ["c@x.io"])
        self.assertEqual(plan.active_before, 3)
        self.assertFalse(plan.deactivation_needs_confirmation)

    def test_deactivating_more_than_a_third_needs_confirmation(self) -> None:
        people = dict(person(f"p{i}@x.io", f"P{i}", None) for i in range(9))
        keep = "".join(f"p{i}@x.io,P{i},,,,,\n" for i in range(6))  # 3 of 9 go: exactly a third
        self.assertFalse(
            plan_import(self.rows(keep), teams={}, people=people).deactivation_needs_confirmation
        )
        keep = "".join(f"p{i}@x.io,P{i},,,,,\n" for i in range(5))  # 4 of 9 go
        plan = plan_import(self.rows(keep), teams={}, people=people)
        self.assertEqual(len(plan.deactivate), 4)
        self.assertTrue(plan.deactivation_needs_confirmation)

    def test_new_parent_teams_are_created_before_their_children(self) -> None:
        rows = self.rows("a@x.io,A,Leaf,Middle,,,\nb@x.io,B,Middle,Top,,,\n")
        plan = plan_import(rows, teams={}, people={})
        order = [n for n, _p in plan.teams_create]
        self.assertLess(order.index("Top"), order.index("Middle"))
        self.assertLess(order.index("Middle"), order.index("Leaf"))

    def test_an_empty_cell_clears_a_value_and_a_missing_column_keeps_it(self) -> None:
        people = dict([person("a@x.io", "Ann", "Platform")])
        teams = dict([team("Platform")])
        plan = plan_import(self.rows("a@x.io,Ann,,,,,\n"), teams=teams, people=people)
        self.assertEqual(plan.rows[0].team, None)
        self.assertEqual(plan.rows[0].changes, {"team": ["Platform", None]})
        rows = parse_people_csv(b"email,name\na@x.io,Ann\n").rows
        plan = plan_import(rows, teams=teams, people=people)
        self.assertEqual((plan.rows[0].action, plan.rows[0].team), ("unchanged", "Platform"))
