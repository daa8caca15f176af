# Two commands set everything up on a fresh machine with Python 3.11:
#   make run   venv, install, migrate, demo data, the dashboard (and a worker when REDIS_URL is set)
#   make test  venv, dev install, the whole test suite
# ADDR=127.0.0.1:8001 make run serves on another address (set SITE_URL to match for links in e-mails).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000
QUEUES := default checks media

.PHONY: run test install install-dev lint typecheck worker messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Provenant on http://$(ADDR)/  (log in as mod, senior, alice, bob or admin, password above)"
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting an RQ worker with its scheduler and the stale-check sweep"; \
		trap 'kill 0' INT TERM EXIT; \
		$(BIN)/python manage.py rqworker $(QUEUES) --with-scheduler & \
		$(BIN)/python manage.py rqcron config.cron & \
		$(BIN)/python manage.py runserver $(ADDR); \
	else \
		$(BIN)/python manage.py runserver $(ADDR); \
	fi

worker: install
	$(BIN)/python manage.py rqworker $(QUEUES) --with-scheduler

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

typecheck: install-dev
	$(BIN)/mypy .

# After changing user-facing strings: update the zh-hans catalog, translate, then compile.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=test-artifacts \
		--ignore=tests --ignore=bench --no-obsolete
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var/db.sqlite3 var/media var/static test-artifacts
