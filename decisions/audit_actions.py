"""The audit action codes of decisions (registered by core at start-up; see core.audit)."""

from core.audit import register_action

register_action("decisions.decision.created", "Decision logged", legacy=("decision.create",))
register_action("decisions.decision.updated", "Decision edited", legacy=("decision.update",))
register_action(
    "decisions.decision.status_changed", "Decision status changed", legacy=("decision.status",)
)
register_action("decisions.decision.deleted", "Decision deleted", legacy=("decision.delete",))
