from django.core.management.base import BaseCommand, CommandError

from assessments.services.retention import retention_apply
from organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "List the closed workshops past their organisation's retention period; with --apply, "
        "anonymise or delete each as its organisation chose. Run daily from cron or a systemd "
        "timer. A workshop that fails is reported (and the exit status is 1) after the others "
        "are done; it is tried again on the next run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Do it (without: list what would be done)."
        )
        parser.add_argument(
            "--organisation",
            action="append",
            metavar="SLUG",
            help="Only this organisation (may be given more than once).",
        )

    def handle(self, *args, apply=False, organisation=None, **options):
        if organisation:
            known = set(
                Organisation.objects.filter(slug__in=organisation).values_list("slug", flat=True)
            )
            if unknown := sorted(set(organisation) - known):
                raise CommandError(f"No organisation with the slug {', '.join(unknown)}.")
        outcome = retention_apply(apply=apply, slugs=organisation)
        for due, done in outcome.done:
            self.stdout.write(f"{done}: {due.describe()}")
        for due in outcome.kept:
            self.stdout.write(
                f"kept: {due.describe()}: its reassessment “{due.held_by.title}” is still kept "
                "and reviews its actions; both go when that one is due"
            )
        for due, error in outcome.failed:
            self.stdout.write(f"failed: {due.describe()}: {error}")
        total = len(outcome.done) + len(outcome.kept) + len(outcome.failed)
        if not total:
            self.stdout.write("Nothing is past its organisation's retention period.")
        elif apply:
            self.stdout.write(
                f"{total} workshop(s) past retention: {len(outcome.done)} done, "
                f"{len(outcome.kept)} kept for now, {len(outcome.failed)} failed."
            )
        else:
            self.stdout.write(
                f"{total} workshop(s) past retention; nothing changed (run with --apply to do "
                f"it): {len(outcome.done)} to do, {len(outcome.kept)} kept for now."
            )
        if outcome.failed:
            raise CommandError(
                f"{len(outcome.failed)} workshop(s) could not be done; the others were. Each "
                "is tried again on the next run."
            )
