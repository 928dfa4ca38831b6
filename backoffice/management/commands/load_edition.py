import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backoffice.editions import edition_load, edition_reset
from program.services import EDITIONS_DIR


class Command(BaseCommand):
    help = (
        "Load an edition and its program from a JSON file in program/editions/, unless it is there "
        "already: an edition that exists keeps every change made in the back office (--reset replaces it)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "name", nargs="?", default="2023", help="File name in program/editions/ or a path."
        )
        parser.add_argument(
            "--upcoming",
            action="store_true",
            help="Move the dates by whole years to the next occurrence and open registration now (demo).",
        )
        parser.add_argument(
            "--fill-translations",
            action="store_true",
            help=(
                "If the edition is there, write the file's English texts where its English is empty "
                "and its Polish is still the file's; nothing else changes."
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the edition first, with its registrations, and load it afresh (demo data only).",
        )

    def handle(self, *args, name, upcoming, fill_translations, reset, **options):
        path = Path(name) if Path(name).suffix == ".json" else EDITIONS_DIR / f"{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        if reset:
            deleted = edition_reset(number=data["edition"]["number"])
            self.stdout.write(f"Deleted the edition and its {deleted} registrations.")
        loaded = edition_load(data=data, upcoming=upcoming, fill_translations=fill_translations)
        edition = loaded.edition
        if loaded.created:
            summary = f"Loaded {edition} with {edition.items.count()} program items"
        elif fill_translations:
            summary = (
                f"{edition} is there already: {loaded.translations_filled} empty English texts filled in"
            )
        else:
            summary = f"{edition} is there already and keeps its changes (--reset loads it afresh)"
        self.stdout.write(
            self.style.SUCCESS(f"{summary}, {edition.starts_on:%Y-%m-%d}–{edition.ends_on:%Y-%m-%d}.")
        )
