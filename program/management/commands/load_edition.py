import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from program.services import EDITIONS_DIR, edition_load


class Command(BaseCommand):
    help = "Load or update an edition and its program from a JSON file in program/editions/. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "name", nargs="?", default="2023", help="File name in program/editions/ or a path."
        )
        parser.add_argument(
            "--upcoming",
            action="store_true",
            help="Move the dates by whole years to the next occurrence and open registration now (demo).",
        )

    def handle(self, *args, name, upcoming, **options):
        path = Path(name) if Path(name).suffix == ".json" else EDITIONS_DIR / f"{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        edition = edition_load(data=data, upcoming=upcoming)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {edition} with {edition.items.count()} program items, "
                f"{edition.starts_on:%Y-%m-%d}–{edition.ends_on:%Y-%m-%d}."
            )
        )
