"""DATABASE_URL and CELERY_BROKER_URL alone switch between embedded and scale-out set-ups."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.db.utils import load_backend
from django.test import SimpleTestCase

from trustos.envconfig import broker_config, broker_folders_create, database_config

BASE = Path(__file__).resolve().parent.parent


class SettingsSwitchingTests(SimpleTestCase):
    def test_it_defaults_to_sqlite(self) -> None:
        cfg = database_config(None, base_dir=Path("/tmp/x"))
        self.assertEqual(cfg["ENGINE"], "trustos.sqlite3")
        self.assertEqual(cfg["NAME"], "/tmp/x/var/trustos.sqlite3")

    def test_it_switches_to_postgres_by_url(self) -> None:
        cfg = database_config("postgres://u:p@127.0.0.1:5433/trust", base_dir=Path("/tmp/x"))
        self.assertEqual(cfg["ENGINE"], "django.db.backends.postgresql")
        self.assertEqual(
            (cfg["HOST"], cfg["PORT"], cfg["NAME"], cfg["USER"]), ("127.0.0.1", 5433, "trust", "u")
        )

    def test_it_defaults_to_embedded_broker_without_creating_its_folders(self) -> None:
        base = Path(self._tmp())
        url, opts = broker_config(None, base_dir=base)
        self.assertEqual(url, "filesystem://")
        self.assertEqual(list(base.iterdir()), [])
        created = broker_folders_create(opts)
        self.assertTrue(Path(opts["data_folder_in"]).is_dir())
        self.assertTrue(Path(opts["control_folder"]).is_dir())
        self.assertEqual({p.name for p in created}, {"out", "processed", "control"})

    def test_publishing_creates_the_embedded_broker_folders(self) -> None:
        broker_dir = Path(self._tmp())
        env = {
            k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "trustos.settings",
                "TRUSTOS_BROKER_DIR": str(broker_dir),
                "CELERY_TASK_ALWAYS_EAGER": "0",
            }
        )
        code = (
            "import django; django.setup(); "
            "from scoring.tasks import recompute_org_snapshots as t; t.delay(1)"
        )
        r = subprocess.run(
            [sys.executable, "-c", code],
            cwd=BASE,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(list((broker_dir / "var" / "broker" / "out").iterdir())), 1)

    def test_sqlite_backend_creates_the_database_folder_on_connect(self) -> None:
        base = Path(self._tmp())
        cfg = database_config(None, base_dir=base)
        wrapper = load_backend(cfg["ENGINE"]).DatabaseWrapper({**cfg, "TIME_ZONE": None}, "t")
        self.assertFalse((base / "var").exists())
        # get_new_connection directly: the test run forbids ensure_connection outside a db test.
        wrapper.get_new_connection(wrapper.get_connection_params()).close()
        self.assertTrue((base / "var" / "trustos.sqlite3").is_file())

    def test_importing_settings_in_a_fresh_base_dir_creates_nothing(self) -> None:
        fresh = Path(self._tmp())
        shutil.copytree(
            BASE / "trustos", fresh / "trustos", ignore=shutil.ignore_patterns("__pycache__")
        )
        before = sorted(p.relative_to(fresh) for p in fresh.rglob("*"))
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "TRUSTOS_BROKER_DIR"}
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "trustos.settings",
                "PYTHONPATH": os.pathsep.join([str(fresh), str(BASE)]),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        code = (
            "import django, trustos.settings as s; django.setup(); "
            f"assert str(s.BASE_DIR) == {str(fresh)!r}, s.BASE_DIR"
        )
        r = subprocess.run(
            [sys.executable, "-c", code],
            cwd=fresh,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(p.relative_to(fresh) for p in fresh.rglob("*")), before)

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
