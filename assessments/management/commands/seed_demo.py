"""Demo data: a council, its facilitator, five members and a viewer; three directorates and
a team with their directors and closed workshops. Safe to run again."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments.demo import demo_workshops
from assessments.demo_units import DIRECTORS, demo_units
from organisations.models import Membership, Organisation, Role

PASSWORD = "breakthrough-demo"  # noqa: S105 (demo data only, printed for the user)
PEOPLE = [
    ("facilitator@demo.example", "Fiona", "Hart", Role.FACILITATOR),
    ("amir@demo.example", "Amir", "Shah", Role.MEMBER),
    ("bethan@demo.example", "Bethan", "Jones", Role.MEMBER),
    ("chris@demo.example", "Chris", "O'Neill", Role.MEMBER),
    ("deepa@demo.example", "Deepa", "Patel", Role.MEMBER),
    ("ed@demo.example", "Ed", "Clarke", Role.MEMBER),
    ("chief.executive@demo.example", "Grace", "Okoye", Role.VIEWER),
]


def seed_demo_organisation() -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug="demo-borough", defaults={"name": "Demo Borough Council"}
    )
    return organisation


def seed_demo_people(organisation: Organisation) -> dict[str, list]:
    User = get_user_model()
    people: dict[str, list] = {role: [] for role in Role.values}
    for email, first, last, role in PEOPLE:
        user, created = User.objects.get_or_create(
            username=email, defaults={"email": email, "first_name": first, "last_name": last}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
        people[role].append(user)
    return people


def seed_demo_workshops(organisation, facilitator, members) -> None:
    """A closed workshop and its follow-up in progress (see assessments.demo)."""

    demo_workshops(organisation=organisation, facilitator=facilitator, members=members)


class Command(BaseCommand):
    help = "Create the demo organisation, people and workshops (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        organisation = seed_demo_organisation()
        people = seed_demo_people(organisation)
        seed_demo_workshops(organisation, people[Role.FACILITATOR][0], people[Role.MEMBER])
        demo_units(
            organisation=organisation, facilitator=people[Role.FACILITATOR][0], password=PASSWORD
        )
        self.stdout.write(f"\nDemo organisation: {organisation.name}")
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/ with password {PASSWORD!r} as:")
        for email, first, last, role in PEOPLE:
            self.stdout.write(f"  {email:32} {first} {last} ({role})")
        self.stdout.write("and the directors, each a viewer of their unit:")
        for email, first, last in DIRECTORS:
            self.stdout.write(f"  {email:32} {first} {last}")
