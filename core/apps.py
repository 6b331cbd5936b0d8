"""App config for core (imports no other app of this project)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Each app's audit_actions.py registers its audit codes; found by name, like admin.py,
        # so core needs no import of the apps above it.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("audit_actions")
        # Each app's tasks.py registers its Celery tasks, so a service can queue one by name
        # (core.tasks.task_queue_on_commit) in a web process, not only in a worker.
        autodiscover_modules("tasks")
