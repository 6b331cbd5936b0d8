"""The rubric scoring engine (pure pandas) and the Django adapter that stores snapshots."""
