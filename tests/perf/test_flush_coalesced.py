"""Under load a round's flush is published once per window, not once per answer; each
publish runs after the window, so it still sees every answer committed before it was skipped."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.test import SimpleTestCase

from core import outbox


class CoalescedPublishTests(SimpleTestCase):
    def setUp(self) -> None:
        outbox._coalesced.clear()
        self.sent: list[tuple[str, tuple[Any, ...], float | None]] = []

        def send(name: str, args: Any, countdown: float | None = None) -> None:
            self.sent.append((name, tuple(args), countdown))

        patches = [
            mock.patch.object(outbox, "_eager", return_value=False),
            mock.patch.object(outbox, "_send", side_effect=send),
        ]
        for p in patches:
            p.start()
            self.addCleanup(p.stop)

    def test_one_publish_per_round_and_window_run_after_the_window(self) -> None:
        for _ in range(5):
            outbox.task_publish_coalesced("surveys.flush_responses", [7], 1.0)
        outbox.task_publish_coalesced("surveys.flush_responses", [8], 1.0)
        assert self.sent == [
            ("surveys.flush_responses", (7,), 1.0),
            ("surveys.flush_responses", (8,), 1.0),
        ]

    def test_published_again_once_the_window_passed(self) -> None:
        with mock.patch.object(outbox.time, "monotonic", side_effect=[100.0, 100.5, 101.2]):
            for _ in range(3):
                outbox.task_publish_coalesced("surveys.flush_responses", [7], 1.0)
        assert len(self.sent) == 2

    def test_eager_runs_publish_every_call(self) -> None:
        with mock.patch.object(outbox, "_eager", return_value=True):
            for _ in range(3):
                outbox.task_publish_coalesced("surveys.flush_responses", [7], 1.0)
        assert len(self.sent) == 3
