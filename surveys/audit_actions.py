"""The audit action codes of surveys (registered by core at start-up; see core.audit)."""

from core.audit import register_action

register_action("surveys.round.created", "Pulse round sent", legacy=("round.create",))
register_action("surveys.round.closed", "Pulse round closed", legacy=("round.close",))
register_action("surveys.round.reminded", "Reminders of a pulse round sent now")
register_action("surveys.rubric.copied", "Rubric copied to a new version", legacy=("rubric.copy",))
register_action("surveys.rubric.edited", "Rubric version edited", legacy=("rubric.edit",))
register_action("surveys.rubric.activated", "Rubric version activated", legacy=("rubric.activate",))
register_action("surveys.schedule.created", "Pulse schedule created", legacy=("schedule.create",))
register_action("surveys.schedule.updated", "Pulse schedule changed", legacy=("schedule.update",))
register_action("surveys.schedule.deleted", "Pulse schedule deleted", legacy=("schedule.delete",))
