"""The audit action codes of orgs (registered by core at start-up; see core.audit)."""

from core.audit import register_action

register_action(
    "orgs.organization.updated", "Organization settings changed", legacy=("organization.updated",)
)
register_action("orgs.team.created", "Team created", legacy=("team.created",))
register_action("orgs.team.updated", "Team changed", legacy=("team.updated",))
register_action("orgs.team.deactivated", "Team deactivated", legacy=("team.deactivated",))
register_action("orgs.team.reactivated", "Team reactivated", legacy=("team.reactivated",))
register_action("orgs.team.deleted", "Team deleted", legacy=("team.deleted",))
register_action("orgs.person.created", "Person added", legacy=("person.created",))
register_action("orgs.person.updated", "Person changed", legacy=("person.updated",))
register_action("orgs.person.deactivated", "Person deactivated", legacy=("person.deactivated",))
register_action("orgs.person.reactivated", "Person reactivated", legacy=("person.reactivated",))
register_action(
    "orgs.person.deleted", "Person and their personal data deleted", legacy=("person.deleted",)
)
register_action("orgs.person.exported", "Personal data exported", legacy=("person.exported",))
register_action("orgs.people.imported", "People imported from a file", legacy=("people.imported",))
register_action("orgs.role.granted", "Role granted", legacy=("role.granted",))
register_action("orgs.role.changed", "Role changed", legacy=("role.changed",))
register_action("orgs.role.revoked", "Role revoked", legacy=("role.revoked",))
register_action("orgs.api_token.created", "API token created", legacy=("api_token.created",))
register_action("orgs.api_token.revoked", "API token revoked", legacy=("api_token.revoked",))
register_action("orgs.login.unlocked", "Login unlocked after failed attempts")
