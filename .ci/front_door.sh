#!/usr/bin/env bash
# The front door, as a new user meets it, on the committed HEAD:
#  1. a fresh clone in a temporary folder, no .venv, no DATABASE_URL/REDIS_URL: the README's
#     `make run` exactly as written (SQLite, checks inline) on a free port through ADDR; every
#     demo user logs in through the login form; the server's process group is stopped;
#  2. the production path with the runtime requirements only (the virtualenv `make run` just
#     made from requirements.txt, nothing else): DEBUG=0, collectstatic, migrate, gunicorn, and a
#     page and a static file served by whitenoise.
# Usage: bash .ci/front_door.sh   (KEEP=1 keeps the temporary folder for a look afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/provenant-front-door.XXXXXX")
CLONE=$WORK/provenant
SERVER=""

log() { printf '\n== front door: %s\n' "$*"; }

stop_server() {
    # The server runs in its own process group (setsid): stop all of it (make, runserver and its
    # autoreloader child, or gunicorn and its workers), never anything else.
    if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
        kill -TERM -- "-$SERVER" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    SERVER=""
}

cleanup() {
    stop_server
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Wait until `url` answers 200, or fail showing the server's log; stop early if the server died.
wait_for_http() {
    local url=$1 seconds=$2 output=$3 deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null --max-time 10 "$url" 2>/dev/null; do
        if ! kill -0 "$SERVER" 2>/dev/null; then
            tail -n 60 "$output"; echo "the server exited before $url answered"; return 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            tail -n 60 "$output"; echo "$url did not answer within $seconds s"; return 1
        fi
        sleep 1
    done
}

log "a fresh clone of $(git rev-parse --short HEAD) in $CLONE"
git diff --quiet HEAD || echo "note: uncommitted changes are not part of the clone"
git clone --quiet --no-checkout "$ROOT" "$CLONE"
git -C "$CLONE" checkout --quiet "$(git rev-parse HEAD)"
test ! -e "$CLONE/.venv"

log "make run, exactly as the README says (SQLite, no services)"
PORT=$(free_port)
started=$SECONDS
(
    cd "$CLONE"
    # None of Provenant's variables (every one .env.example lists) leaks in from CI: a new user's
    # shell, plus ADDR. pip's own settings stay, so it installs the way this machine allows.
    # shellcheck disable=SC2046
    unset $(grep -o '^[A-Z][A-Z0-9_]*=' .env.example | tr -d =) REQUIRE_SERVICES DJANGO_SETTINGS_MODULE
    export ADDR="127.0.0.1:$PORT"
    exec setsid make run
) >"$WORK/make-run.log" 2>&1 &
SERVER=$!
wait_for_http "http://127.0.0.1:$PORT/accounts/login/" 900 "$WORK/make-run.log"
echo "make run served the login page after $((SECONDS - started)) s"
python3 .ci/login_as_demo_users.py "http://127.0.0.1:$PORT"
stop_server
test ! -e "$CLONE/.venv/.installed-dev" || { echo "make run installed the dev requirements"; exit 1; }

log "production: requirements.txt only, DEBUG=0, gunicorn, whitenoise"
PORT=$(free_port)
(
    cd "$CLONE"
    export DEBUG=0 ALLOWED_HOSTS=127.0.0.1 IDENTITY_HMAC_KEY="front-door-identity-key"
    export SECRET_KEY="front-door-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
    export DATABASE_URL="sqlite:///$WORK/production.sqlite3" MEDIA_ROOT="$WORK/media"
    unset REDIS_URL HTTPS DJANGO_SETTINGS_MODULE
    .venv/bin/python manage.py collectstatic --noinput -v 0
    .venv/bin/python manage.py migrate --noinput -v 0
    exec setsid .venv/bin/gunicorn config.wsgi --workers 2 --bind "127.0.0.1:$PORT"
) >"$WORK/gunicorn.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
wait_for_http "$BASE/accounts/login/" 300 "$WORK/gunicorn.log"
page=$(curl -fsS "$BASE/accounts/login/")
grep -q 'name="csrfmiddlewaretoken"' <<<"$page"
# The page links its stylesheet under a hashed name (CompressedManifestStaticFilesStorage).
css=$(grep -o '/static/css/app\.[0-9a-f]\{12\}\.css' <<<"$page" | head -n 1)
test -n "$css" || { echo "the login page links no hashed app.css"; exit 1; }
headers=$(curl -fsS -D - -o /dev/null -H 'Accept-Encoding: gzip' "$BASE$css")
grep -qi '^content-type: text/css' <<<"$headers"
grep -qi '^cache-control: max-age=315360000, public, immutable' <<<"$headers"
grep -qi '^content-encoding: gzip' <<<"$headers"
curl -fsS -o /dev/null "$BASE/favicon.ico"
echo "gunicorn served $BASE/accounts/login/ and $css (whitenoise: immutable, gzip)"
stop_server
log "passed"
