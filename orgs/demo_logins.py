"""The demo logins `seed_demo` creates, in one list that the `make run` banner prints too.

Free of Django imports: the launcher (trustos/runall.py) reads it before any settings load.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "trustos-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    role: str  # an orgs.models.Role value (plain text here: no Django at import)
    teams: tuple[str, ...]  # department or team names the role covers
    description: str  # what the banner says about the login


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "Alex", "Admin", "admin", (), "org admin (set-up pages, everything)"),
    DemoLogin("leader", "Lee", "Leader", "leader", ("Product",), "leader of Product"),
    DemoLogin("eng-leader", "Eva", "Engineer", "leader", ("Engineering",), "leader of Engineering"),
    DemoLogin(
        "facilitator",
        "Fran",
        "Facilitator",
        "facilitator",
        ("Engineering", "Product"),
        "facilitator of Engineering and Product",
    ),
    DemoLogin("employee", "Emil", "Employee", "employee", (), "employee of the Growth team"),
)
