#!/usr/bin/env bash
# Makes sure what the test suite needs outside Python is there: a running PostgreSQL at
# 127.0.0.1:5432 and Debian's chromium for the browser tests. Installs them with apt only
# when running as root on Debian; otherwise says what is missing.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

is_root_on_debian() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; }

apt_updated=
apt_install() {
    if [ -z "$apt_updated" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

postgres_ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }

start_postgres() {
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "ensure-services: starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do
        postgres_ready && return 0
        sleep 1
    done
    echo "ensure-services: PostgreSQL $version did not become ready at $PGHOST:$PGPORT" >&2
    return 1
}

if ! postgres_ready; then
    if [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
        start_postgres
    elif is_root_on_debian; then
        echo "ensure-services: installing PostgreSQL"
        apt_install postgresql
        start_postgres
    else
        echo "ensure-services: PostgreSQL is not running at $PGHOST:$PGPORT and cannot be installed" \
            "here (not root on Debian). Install it, or point DATABASE_URL at one." >&2
        exit 1
    fi
fi
echo "ensure-services: PostgreSQL is ready at $PGHOST:$PGPORT"

if [ ! -x "$CHROMIUM" ]; then
    if is_root_on_debian; then
        echo "ensure-services: installing Debian's chromium"
        apt_install chromium
    else
        echo "ensure-services: $CHROMIUM is missing; the browser tests will be skipped" \
            "(apt-get install chromium as root)." >&2
    fi
fi
