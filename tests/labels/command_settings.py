"""The smallest Django settings that run ``inspect_media``: the command needs no database."""

SECRET_KEY = "labels-tests-only"
INSTALLED_APPS = ["labels"]
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
