"""Execution metrics: imported work items, derived flow metrics, joined with trust."""
