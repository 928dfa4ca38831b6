"""Retention, the health endpoint, backups, and the scheduled jobs of the deployment."""

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from backoffice import exports
from outbox.models import OutgoingMail
from program.models import Edition
from registration.models import Booking, DayAttendance, Registration
from tests.factories import sign_up

from .conftest import BASE_DIR, manage, subprocess_env


def end_edition(edition, days_ago: int) -> None:
    edition.ends_on = timezone.localdate() - dt.timedelta(days=days_ago)
    edition.starts_on = edition.ends_on - dt.timedelta(days=1)
    edition.save(update_fields=["starts_on", "ends_on"])


@pytest.mark.django_db
class TestAnonymiseEditions:
    def test_dry_run_changes_nothing(self, edition, visit, capsys):
        sign_up(edition, [visit], email="kasia@example.com")
        end_edition(edition, days_ago=400)

        call_command("anonymise_editions", "--dry-run")

        assert "Would anonymise 1 registrations of" in capsys.readouterr().out
        assert Registration.objects.get().email == "kasia@example.com"

    def test_anonymises_old_editions_only_and_keeps_counts(self, edition, visit, capsys):
        visit.capacity = 1
        visit.save(update_fields=["capacity"])
        seated = sign_up(edition, [visit], email="seated@example.com", note="wózek", phone="600100200")
        waiting = sign_up(edition, [visit], email="waiting@example.com")
        end_edition(edition, days_ago=366)
        days_before = DayAttendance.objects.count()

        call_command("anonymise_editions")  # RETENTION_DAYS: 365

        assert "Anonymised 2 registrations in all (kept for 365 days)." in capsys.readouterr().out
        for registration in (seated, waiting):
            registration.refresh_from_db()
            assert registration.email == f"anonymised-{registration.public_id}@invalid"
            assert (registration.first_name, registration.last_name, registration.note) == ("", "", "")
            assert registration.anonymised_at is not None
        assert (seated.town, seated.voivodeship) == ("Kraków", "lesser_poland")  # for the counts
        assert Registration.objects.count() == 2
        assert DayAttendance.objects.count() == days_before
        # The edition is over: nobody is cancelled, nobody promoted, no mail is left to leave.
        assert OutgoingMail.objects.count() == 0
        assert list(Booking.objects.order_by("status").values_list("status", flat=True)) == [
            "confirmed",
            "waitlisted",
        ]
        assert set(Registration.objects.values_list("status", flat=True)) == {"active"}
        # The funders' figures of the edition outlive the people behind them.
        [participants, _from_region] = exports.funder_report(edition=edition)[0].rows
        assert participants[1] == 2

    def test_recent_edition_is_kept(self, edition, capsys):
        sign_up(edition, email="recent@example.com")
        end_edition(edition, days_ago=30)

        call_command("anonymise_editions", "--days", "365")

        assert Registration.objects.get().email == "recent@example.com"
        call_command("anonymise_editions", "--days", "29")
        assert Registration.objects.get().anonymised_at is not None


@pytest.mark.django_db
class TestHealthz:
    def test_healthy(self, client, edition):
        sign_up(edition)
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {
            "status": "ok",
            "database": "ok",
            "cache": "ok",
            "stale_mail": 0,
            "overdue_tasks": 0,
        }

    def test_queue_not_moving_is_503_without_personal_data(self, client, edition):
        sign_up(edition, email="private@example.com", last_name="Tajemnicza")
        DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=16))

        response = client.get("/healthz")

        assert response.status_code == 503
        assert response.json() == {
            "status": "degraded",
            "database": "ok",
            "cache": "ok",
            "stale_mail": 0,
            "overdue_tasks": 1,
        }
        assert "private" not in response.content.decode()

    def test_mail_stuck_without_a_task_is_503(self, client, edition):
        sign_up(edition)
        OutgoingMail.objects.update(created_at=timezone.now() - dt.timedelta(minutes=20))
        DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)  # its task is gone

        assert client.get("/healthz").json()["stale_mail"] == 1

    def test_database_down_is_503(self, client, edition, monkeypatch):
        from django.db import OperationalError

        def fail(*args, **kwargs):
            raise OperationalError("connection refused")

        monkeypatch.setattr("miejsca_otwarte.views.stale_mail", fail)
        response = client.get("/healthz")
        assert (response.status_code, response.json()["database"]) == (503, "unavailable")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_that_serves_the_site(edition, tmp_path):
    sign_up(edition, email="backup@example.com")
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "site.dump"
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["pg_dump", *pg, "-Fc", "-f", str(dump), source], check=True)  # noqa: S603, S607
    subprocess.run(["dropdb", *pg, "--if-exists", restored], check=True)  # noqa: S603, S607
    subprocess.run(["createdb", *pg, restored], check=True)  # noqa: S603, S607
    try:
        subprocess.run(["pg_restore", *pg, "--no-owner", "-d", restored, str(dump)], check=True)  # noqa: S603, S607
        script = (
            "from django.test import Client; c = Client(HTTP_ACCEPT_LANGUAGE='pl'); "
            "from django.utils.html import escape; from program.models import ProgramItem; "
            "from registration.models import Registration; "
            "title = escape(ProgramItem.objects.get(slug='wizyta-kozlowka').title); "
            "print(c.get('/').status_code, c.get('/program/').status_code, "
            "Registration.objects.get().email, title in c.get('/program/').content.decode())"
        )
        env = subprocess_env(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{restored}", ALLOWED_HOSTS="testserver"
        )
        result = manage("shell", "-c", script, env=env)
    finally:
        subprocess.run(["dropdb", *pg, "--if-exists", restored], check=True)  # noqa: S603, S607

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "200 200 backup@example.com True"
    assert Edition.objects.count() == 1


# The management commands that must run on a schedule, and those run by hand or once per release.
# A new command must be added to one of them (test_every_command_is_either_periodic_or_one_off).
PERIODIC_COMMANDS = ("requeue_stale_mail", "catering_deadlines", "send_reminders", "anonymise_editions")
ONE_OFF_COMMANDS = ("load_edition", "setup_roles", "mail_worker")
PROJECT_APPS = ("program", "outbox", "registration", "catering", "attendees", "backoffice", "audit")


def manage_commands(text: str) -> set[str]:
    return set(re.findall(r"manage\.py\s+([a-z_]+)", text))


def systemd_scheduled_commands(deploy_dir: Path) -> set[str]:
    """The commands in the ExecStart= lines of the services that deploy/'s timers start."""
    commands = set()
    for timer in deploy_dir.glob("*.timer"):
        unit = re.search(r"^Unit=(\S+)", timer.read_text(), re.MULTILINE)
        service = deploy_dir / (unit.group(1) if unit else f"{timer.stem}.service")
        exec_lines = re.findall(r"^ExecStart=.*$", service.read_text(), re.MULTILINE)
        commands |= manage_commands("\n".join(exec_lines))
    return commands


def documented_cron_commands(deployment_md: str) -> set[str]:
    """The commands in the cron block of docs/deployment.md's "Scheduled jobs"."""
    section = deployment_md.split("## Scheduled jobs", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```cron\n(.*?)```", section, re.DOTALL)
    return manage_commands("\n".join(blocks))


def test_every_periodic_command_is_scheduled_by_systemd_and_in_the_documented_cron_list():
    missing_systemd = set(PERIODIC_COMMANDS) - systemd_scheduled_commands(BASE_DIR / "deploy")
    docs = (BASE_DIR / "docs" / "deployment.md").read_text()
    missing_cron = set(PERIODIC_COMMANDS) - documented_cron_commands(docs)

    assert (sorted(missing_systemd), sorted(missing_cron)) == ([], [])


def test_every_command_is_either_periodic_or_one_off():
    ours = {name for name, app in get_commands().items() if app in PROJECT_APPS}

    assert ours == set(PERIODIC_COMMANDS) | set(ONE_OFF_COMMANDS)
