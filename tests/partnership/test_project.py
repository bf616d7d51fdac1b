"""The project as a whole: migrations, production settings, health check."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import DatabaseError, connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def manage(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=240,
    )


def database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    host = db["HOST"] or "127.0.0.1"
    host = host.replace("/", "%2F")
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{name}"


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "MFA_ENCRYPTION_KEY": secrets.token_urlsafe(32),
            "ALLOWED_HOSTS": "trygghet.example.se",
            "EMAIL_HOST": "smtp.example.se",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = manage("check", env={"DEBUG": "False", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_refuse_to_start_without_an_mfa_encryption_key():
    result = manage(
        "check",
        env={"DEBUG": "False", "SECRET_KEY": secrets.token_urlsafe(50), "MFA_ENCRYPTION_KEY": ""},
    )
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEY must be set" in result.stderr


def test_sqlite_is_refused():
    result = manage("check", env={"DATABASE_URL": "sqlite:///tmp/x.db"})
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_settings_keep_sessions_and_cache_in_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.LANGUAGE_CODE == "sv"
    assert [code for code, _ in settings.LANGUAGES] == ["sv", "en"]


@pytest.fixture
def empty_database():
    name = f"migrate_from_zero_{secrets.token_hex(4)}"
    db = settings.DATABASES["default"]
    params = {
        "dbname": "postgres",
        "user": db["USER"],
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
    }
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_migrations_apply_to_an_empty_database_and_match_the_models(empty_database):
    migrate = manage("migrate", "--no-input", env={"DATABASE_URL": empty_database})
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert "Applying stakeholders.0001_initial... OK" in migrate.stdout

    check = manage("makemigrations", "--check", "--dry-run", env={"DATABASE_URL": empty_database})
    assert check.returncode == 0, "models changed without a migration:\n" + check.stdout

    with psycopg2.connect(empty_database.replace("%2F", "/")) as conn, conn.cursor() as cur:
        cur.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cur.fetchall()}
        cur.execute("SELECT to_regclass('portal_cache') IS NOT NULL")
        has_cache_table = cur.fetchone()[0]
    assert {"pg_trgm", "unaccent", "btree_gist"} <= extensions
    assert has_cache_table, "migrate alone must create the rate-limit cache table"


def test_the_user_model_is_created_by_the_first_migration():
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    first = loader.get_migration("stakeholders", "0001_initial")
    created = {op.name for op in first.operations if op.__class__.__name__ == "CreateModel"}
    assert "User" in created
    assert settings.AUTH_USER_MODEL == "stakeholders.User"


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
