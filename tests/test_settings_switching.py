"""DATABASE_URL and CELERY_BROKER_URL alone switch between embedded and scale-out set-ups."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

from trustos.envconfig import broker_config, database_config

BASE = Path(__file__).resolve().parent.parent


class SettingsSwitchingTests(SimpleTestCase):
    def test_it_defaults_to_sqlite(self) -> None:
        cfg = database_config(None, base_dir=Path("/tmp/x"))
        self.assertEqual(cfg["ENGINE"], "django.db.backends.sqlite3")
        self.assertEqual(cfg["NAME"], "/tmp/x/var/trustos.sqlite3")

    def test_it_switches_to_postgres_by_url(self) -> None:
        cfg = database_config("postgres://u:p@127.0.0.1:5433/trust", base_dir=Path("/tmp/x"))
        self.assertEqual(cfg["ENGINE"], "django.db.backends.postgresql")
        self.assertEqual(
            (cfg["HOST"], cfg["PORT"], cfg["NAME"], cfg["USER"]), ("127.0.0.1", 5433, "trust", "u")
        )

    def test_it_defaults_to_embedded_broker(self) -> None:
        url, opts = broker_config(None, base_dir=Path(self._tmp()))
        self.assertEqual(url, "filesystem://")
        self.assertTrue(Path(opts["data_folder_in"]).is_dir())

    def test_it_switches_to_redis_by_url(self) -> None:
        url, opts = broker_config("redis://127.0.0.1:6390/0", base_dir=Path("/tmp/x"))
        self.assertEqual((url, opts), ("redis://127.0.0.1:6390/0", {}))

    def test_production_mode_passes_check_deploy(self) -> None:
        env = {
            **os.environ,
            "TRUSTOS_MODE": "production",
            "SECRET_KEY": "k3!vQ9#pL2@wX7$rT5^zB8&nM4*hJ6(dF1)sG0-aE_cY+uI=oP",
            "ALLOWED_HOSTS": "trust.example.com",
            "DJANGO_SETTINGS_MODULE": "trustos.settings",
        }
        r = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=BASE,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("no issues", r.stdout)

    def test_production_mode_refuses_missing_secret_key(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
        env.update({"TRUSTOS_MODE": "production", "DJANGO_SETTINGS_MODULE": "trustos.settings"})
        r = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=BASE,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("SECRET_KEY", r.stderr)

    def _tmp(self) -> str:
        import tempfile

        d = tempfile.mkdtemp()
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", d]))
        return d
