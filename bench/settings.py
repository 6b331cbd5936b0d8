"""Settings of a benchmark process: the real settings on a scratch database, DEBUG off.

SQLite (the embedded default, same options) in the file named by BENCH_DB; PostgreSQL when
DATABASE_URL is set (point it at an empty scratch database: the bench fills it). The load
client sends each request from its own X-Forwarded-For address (TRUSTED_PROXY_COUNT=1), as
many respondents behind one proxy would: the per-address survey throttle is then measured
through, not hit by one address sending everything.
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("TRUSTED_PROXY_COUNT", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from trustos.settings import *  # noqa: F403

if not os.environ.get("DATABASE_URL"):
    DATABASES["default"]["NAME"] = os.environ["BENCH_DB"]  # noqa: F405
DEBUG = False
