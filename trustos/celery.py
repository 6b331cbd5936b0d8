"""The Celery application: configured from Django settings (CELERY_*), tasks autodiscovered."""

import os
from typing import Any

from celery import Celery, signals

from trustos.envconfig import broker_folders_create

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustos.settings")

app = Celery("trustos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# The embedded broker's folders are made by the first process that uses them (a worker or
# beat starting, any process publishing), not when settings are imported.
@signals.worker_init.connect
@signals.beat_init.connect
@signals.before_task_publish.connect
def embedded_broker_folders(**_: Any) -> None:
    if str(app.conf.broker_url or "").startswith("filesystem"):
        broker_folders_create(dict(app.conf.broker_transport_options or {}))
