import factory

from kam.accounts.models import Account, Contact, Industry, Interaction
from kam.users.models import Team, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda u: u.username.title())
    role = "member"
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"industry-{n}")
    name = factory.Sequence(lambda n: f"行业{n}")
    name_en = factory.Sequence(lambda n: f"Industry {n}")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n:05d}")
    owner = factory.SubFactory(UserFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    account = factory.SubFactory(AccountFactory)
    owner = factory.LazyAttribute(lambda i: i.account.owner)
    kind = "visit"
    content = "Met the customer."
