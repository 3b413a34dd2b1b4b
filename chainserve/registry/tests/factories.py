"""factory-boy factories of users and the registry: valid by default, every field overridable."""

import factory
from stdnum.cn import uscc as stdnum_uscc

from chainserve.core.choices import Role
from chainserve.core.models import Region, RegionLevel, User
from chainserve.registry.choices import ListingStatus, OrgKind, RelationKind
from chainserve.registry.models import Label, Organization, Person, Product, Relationship

PASSWORD = "test-password-1"


def make_uscc(n: int, district_code: str = "420100") -> str:
    """A valid 统一社会信用代码, different for every n."""
    body = f"91{district_code}MA{n:07d}"
    return body + stdnum_uscc.calc_check_digit(body)


def wrong_check_char(uscc: str) -> str:
    """uscc with its check character replaced by another character that is allowed there."""
    return uscc[:-1] + ("0" if uscc[-1] != "0" else "1")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.HANDLER
    password = factory.django.Password(PASSWORD)


def city_of_the_tests():
    """The city the tests' districts are in, under its province (made once)."""
    province, _ = Region.objects.get_or_create(code="420000", defaults={"name": "江南省",
                                                                        "level": RegionLevel.PROVINCE})
    city, _ = Region.objects.get_or_create(code="420100", defaults={"name": "明湖市", "level": RegionLevel.CITY,
                                                                    "parent": province})
    return city


class RegionFactory(factory.django.DjangoModelFactory):
    """A district of the tests' city, unless told another level and parent."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"4201{n:02d}")
    name = factory.Sequence(lambda n: f"第{n}区")
    level = RegionLevel.DISTRICT
    parent = factory.LazyFunction(city_of_the_tests)


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"label-{n}")
    name = factory.Sequence(lambda n: f"标签{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    """An enterprise with a valid USCC; other kinds get none unless given."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    kind = OrgKind.ENTERPRISE
    uscc = factory.LazyAttributeSequence(lambda o, n: make_uscc(n) if o.kind == OrgKind.ENTERPRISE else None)
    listing_status = ListingStatus.NONE

    @factory.post_generation
    def labels(self, create, extracted, **kwargs):
        if create and extracted:
            self.labels.set(extracted)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"联系人{n}")
    organization = factory.SubFactory(OrganizationFactory)
    title = "总经理"
    phone = "+8613800000000"
    email = factory.Sequence(lambda n: f"person{n}@example.cn")


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    source = factory.SubFactory(OrganizationFactory)
    kind = RelationKind.SUPPLIES
    target = factory.SubFactory(OrganizationFactory)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"XY-{n:03d}")
    kind = "drug"
