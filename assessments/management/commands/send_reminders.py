from django.core.management.base import BaseCommand, CommandError

from assessments.services.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Email facilitators whose reassessment is near or past, and people responsible for "
        "overdue actions. Run daily from cron; a second run the same day sends nothing new. "
        "A reminder that fails is reported (and the exit status is 1) after the others are sent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, send nothing.")

    def handle(self, *args, dry_run=False, **options):
        outcome = reminders_send(dry_run=dry_run)
        for r in outcome.sent:
            self.stdout.write(f"{'would send' if dry_run else 'sent'}: {r.recipient}: {r.subject}")
        for f in outcome.failed:
            self.stdout.write(f"failed: {f.what}: {f.error}")
        self.stdout.write(f"{len(outcome.sent)} reminder(s) {'due' if dry_run else 'sent'}.")
        if outcome.failed:
            # cron mails a failing job's output to its owner: the exit status says to look.
            raise CommandError(
                f"{len(outcome.failed)} reminder(s) could not be sent; the others were. "
                "Each is tried again on the next run."
            )
