import json

from django.core.management.base import BaseCommand, CommandError

from assessments.services.transfer import TransferError, organisation_import
from organisations.audit import audit_record


class Command(BaseCommand):
    help = "Read an organisation exported with export_organisation into this database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as f:
                data = json.load(f)
            organisation = organisation_import(data)
        except (OSError, json.JSONDecodeError, TransferError, KeyError) as e:
            raise CommandError(f"Could not import {file}: {e}") from e
        audit_record(
            organisation=organisation,
            user=None,
            action="organisation_imported",
            summary=f"Read into this database from {file} (import_organisation).",
        )
        self.stdout.write(f"Imported {organisation.name} ({organisation.slug}).")
