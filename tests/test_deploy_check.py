"""`manage.py check --deploy` is clean with production values."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
# Production must name its C2PA signing certificate (labels.E001); the demo's stands in for it here.
SIGNING = {
    "LABELS_C2PA_SIGN_CERT": str(PROJECT / "demo" / "certs" / "es256.pub"),
    "LABELS_C2PA_SIGN_KEY": str(PROJECT / "demo" / "certs" / "es256.pem"),
}


def test_it_passes_the_deploy_check_with_production_settings() -> None:
    # The browser tests allow async-unsafe ORM calls in this process; production never does.
    inherited = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x7!k2#p9@q4$w8%e3^r6&t1*y5(u0)i-o=p+a[s]d{f}g|h;j:k,l.z<x>c?v/b",
        "ALLOWED_HOSTS": "provenant.example.com",
        "HTTPS": "1",
        "IDENTITY_HMAC_KEY": "a-long-random-identity-key-for-this-test",
        **SIGNING,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_it_warns_when_identity_numbers_would_have_no_key() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        HTTPS="1",
        IDENTITY_HMAC_KEY="",
        ALLOWED_HOSTS="provenant.example.com",
        SECRET_KEY="x7!k2#p9@q4$w8%e3^r6&t1*y5(u0)i-o=p+a[s]d{f}g|h;j:k,l.z<x>c?v/b",
        **SIGNING,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "(accounts.W001) IDENTITY_HMAC_KEY is not set" in result.stderr


def test_it_fails_the_deploy_check_without_a_c2pa_signing_certificate() -> None:
    env = {
        key: value for key, value in os.environ.items() if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", *SIGNING)
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        HTTPS="1",
        IDENTITY_HMAC_KEY="a-long-random-identity-key-for-this-test",
        ALLOWED_HOSTS="provenant.example.com",
        SECRET_KEY="x7!k2#p9@q4$w8%e3^r6&t1*y5(u0)i-o=p+a[s]d{f}g|h;j:k,l.z<x>c?v/b",
        LABELS_C2PA_SIGN_KEY="/nonexistent/key.pem",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert (
        "(labels.E001) The publisher's C2PA signing certificate is not usable: LABELS_C2PA_SIGN_CERT is not "
        "set; LABELS_C2PA_SIGN_KEY cannot be read (/nonexistent/key.pem: No such file or directory)."
    ) in result.stderr


def test_it_warns_behind_a_proxy_without_a_trusted_proxy_count() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        HTTPS="1",
        BEHIND_TLS_PROXY="1",
        TRUSTED_PROXY_COUNT="0",
        IDENTITY_HMAC_KEY="a-long-random-identity-key-for-this-test",
        ALLOWED_HOSTS="provenant.example.com",
        SECRET_KEY="x7!k2#p9@q4$w8%e3^r6&t1*y5(u0)i-o=p+a[s]d{f}g|h;j:k,l.z<x>c?v/b",
        **SIGNING,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "(accounts.W010) BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0" in result.stderr
    env["TRUSTED_PROXY_COUNT"] = "1"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
