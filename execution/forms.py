"""Forms of execution's pages: the upload step and a metric's target and floor."""

from __future__ import annotations

from django import forms

from execution.models import ImportKind

PRESET_CHOICES = [
    ("neutral", "Neutral format (our column names)"),
    ("jira", "Jira Cloud CSV (all fields)"),
    ("linear", "Linear CSV"),
    ("github", "GitHub Projects TSV"),
]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, label="What is in the file")
    file = forms.FileField(label="File (CSV, TSV or XLSX)")
    history = forms.FileField(
        label="Status and assignee history (optional, for work-item exports)",
        required=False,
        help_text="One row per change: item, field, from, to, at (a Jira changelog or a "
        "tool's issue-history export). Unlocks cycle time, blocked time, reopens and handoffs.",
    )
    preset = forms.ChoiceField(
        choices=[("", "Detect from the column names"), *PRESET_CHOICES],
        required=False,
        label="Export format",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        # A history is read only with its work items: dropping it silently would lose the
        # cycle times, blocked time and handoffs the person expected from it.
        if data.get("history") and data.get("kind") != ImportKind.WORK_ITEMS:
            self.add_error(
                "history",
                "A history file goes with a work-item export: choose "
                "\u201cWork-item export\u201d above, or upload the history alone as "
                "\u201cStatus and assignee history only\u201d.",
            )
        return data


class ItemOptionsForm(forms.Form):
    preset = forms.ChoiceField(choices=PRESET_CHOICES, label="Export format")
    date_format = forms.CharField(
        required=False,
        max_length=40,
        label="Date format",
        help_text="Leave empty to detect. E.g. %d/%b/%y %I:%M %p for Jira's 14/Jul/25 3:42 PM. "
        "Dates without a time zone are read in your organization's time zone.",
    )
    team_column = forms.ChoiceField(label="Column holding the team", required=False)


class MetricTargetForm(forms.Form):
    code = forms.SlugField(widget=forms.HiddenInput)
    target = forms.FloatField()
    floor = forms.FloatField()
