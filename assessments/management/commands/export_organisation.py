import json
import sys

from django.core.management.base import BaseCommand, CommandError

from assessments.services.export import organisation_export
from organisations.audit import audit_record
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Write an organisation's whole data as JSON (to standard output or --output)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", "-o", help="File to write; standard output if omitted.")

    def handle(self, *args, slug, output=None, **options):
        try:
            organisation = Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist as e:
            raise CommandError(f"No organisation {slug!r}.") from e
        data = organisation_export(organisation)
        audit_record(
            organisation=organisation,
            user=None,
            action="organisation_exported",
            summary="Everything of the organisation written to a file (export_organisation), "
            f"to {output or 'standard output'}.",
        )
        text = json.dumps(data, ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text)
            self.stderr.write(f"Wrote {organisation.name} to {output}.")
        else:
            sys.stdout.write(text + "\n")
