"""Score snapshots: the Django adapter that runs the pure engine (trustmath) and stores results."""
