from django.core.management.base import BaseCommand

from assessments.services.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Email facilitators whose reassessment is near or past, and people responsible for "
        "overdue actions. Run daily from cron; a second run the same day sends nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, send nothing.")

    def handle(self, *args, dry_run=False, **options):
        sent = reminders_send(dry_run=dry_run)
        for r in sent:
            self.stdout.write(f"{'would send' if dry_run else 'sent'}: {r.recipient}: {r.subject}")
        self.stdout.write(f"{len(sent)} reminder(s) {'due' if dry_run else 'sent'}.")
