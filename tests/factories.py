"""Test data. Only what a test needs; the model content itself comes from the data migration."""

import datetime

import factory
from django.contrib.auth import get_user_model

from assessments.models import Participant, Workshop
from model_content.selectors import model_version_original
from organisations.models import Membership, Organisation, Role
from organisations.units import top_unit

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.SelfAttribute("email")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Borough Council {n}")
    slug = factory.Sequence(lambda n: f"borough-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER


class WorkshopFactory(factory.django.DjangoModelFactory):
    """A workshop on the original model with all six barriers in scope."""

    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    # The organisation's own top unit unless a test names a unit.
    unit = factory.LazyAttribute(lambda w: top_unit(w.organisation))
    model_version = factory.LazyFunction(model_version_original)
    title = factory.Sequence(lambda n: f"Management team workshop {n}")
    date = factory.LazyFunction(lambda: datetime.date.today())
    lead_facilitator = factory.SubFactory(UserFactory)

    @factory.post_generation
    def barriers(self, create, extracted, **kwargs):
        if not create:
            return
        self.barriers.set(extracted if extracted is not None else self.model_version.barriers.all())

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        for user in extracted or []:
            Participant.objects.create(workshop=self, user=user)
