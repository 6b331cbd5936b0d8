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
# The per-token API limit (600/min) is a product limit, not the read path: a read bench of a
# few seconds per case passes it, and the 429s it then measured were not reads.
os.environ.setdefault("API_TOKEN_RATE", "100000000/min")

from trustos.settings import *  # noqa: F403

if not os.environ.get("DATABASE_URL"):
    DATABASES["default"]["NAME"] = os.environ["BENCH_DB"]  # noqa: F405
DEBUG = False
