"""The audit action codes of execution (registered by core at start-up; see core.audit)."""

from core.audit import register_action

register_action("execution.import.run", "Execution data imported")
register_action("execution.import.failed", "Execution import failed (nothing imported)")
register_action("execution.metric.update", "Metric target or floor changed")
register_action("execution.team_alias.saved", "Team name of an export mapped")
register_action("execution.status_mapping.saved", "Status of an export mapped")
register_action("execution.api.received", "Execution data received through the API")
