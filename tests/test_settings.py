"""Production settings: clean deployment checks, and no start without a secret key."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_prints_no_warning_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="breakthrough.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def database_options(**env) -> dict:
    result = manage(
        "shell",
        "-c",
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))",
        DEBUG="true",
        DATABASE_URL="postgres://breakthrough@db.internal:5432/breakthrough?sslmode=require",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_prepares_the_statements_it_runs_again_unless_told_not_to():
    """On by default (bench/README.md); off for a pooler that cannot keep them."""
    assert database_options()["prepare_threshold"] == 5
    assert database_options(DATABASE_PREPARED_STATEMENTS="false")["prepare_threshold"] is None
    # What the address says is kept.
    assert database_options()["sslmode"] == "require"


def test_a_malformed_switch_stops_the_app_at_start():
    result = manage("check", DEBUG="true", DATABASE_PREPARED_STATEMENTS="perhaps")
    assert result.returncode != 0
    assert "DATABASE_PREPARED_STATEMENTS must be true or false" in result.stderr


def test_the_trusted_proxy_count_comes_from_the_environment_and_nonsense_stops_the_app():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)",
        DEBUG="true",
        TRUSTED_PROXY_COUNT="2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2"
    for nonsense in ("-1", "one"):
        result = manage("check", DEBUG="true", TRUSTED_PROXY_COUNT=nonsense)
        assert result.returncode != 0
        assert "TRUSTED_PROXY_COUNT must be" in result.stderr
