"""Fixtures for the reliability and security tests: an edition, people, a real SMTP server and
subprocesses (gunicorn, db_worker) that share the pytest database."""

import asyncio
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_database_url() -> str:
    """The pytest database, for processes started by a test (needs transaction=True to see data)."""
    return f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"


def kill_own_connection() -> None:
    """Terminate this thread's database session from outside, as a database restart would."""
    pid = connection.connection.info.backend_pid
    with psycopg.connect(shared_database_url().replace("postgres://", "postgresql://")) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def subprocess_env(**overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        "DJANGO_SETTINGS_MODULE": "miejsca_otwarte.settings_test",
        "DATABASE_URL": shared_database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class MailServer:
    """A real SMTP server on a free port that can be stopped, started, and made to hang."""

    def __init__(self):
        self.port = free_port()
        self.received: list[tuple[list[str], bytes]] = []
        self.connections: list[tuple[str, int]] = []  # the client's address of each mail received
        self.hang = False
        self.data_started = threading.Event()  # a client is in the middle of sending
        self._release = None
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        self.data_started.set()
        if self.hang:
            self._release = asyncio.Event()
            await self._release.wait()  # never answers until stopped
            return "421 Going away"
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        self.connections.append(session.peer)
        return "250 OK"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            if self._release is not None:
                self._controller.loop.call_soon_threadsafe(self._release.set)
            self._controller.stop()
            self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def recipients(self) -> list[str]:
        return [rcpt for rcpts, _ in self.received for rcpt in rcpts]


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings, mail_server):
    """Django sends through the local SMTP server, as in production (pytest-django uses locmem)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mail_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    return settings
