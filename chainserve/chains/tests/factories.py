"""factory-boy factories of chains, segments and placements."""

import factory

from chainserve.chains.choices import ChainLevel, PlacementRole, Stage
from chainserve.chains.models import Chain, Placement, Segment
from chainserve.registry.tests.factories import OrganizationFactory


class ChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chain
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试产业链{n}")
    level = ChainLevel.CITY

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        if create and extracted:
            self.staff.set(extracted)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    chain = factory.SubFactory(ChainFactory)
    name = factory.Sequence(lambda n: f"环节{n}")
    stage = Stage.MIDSTREAM


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    segment = factory.SubFactory(SegmentFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = PlacementRole.SUPPORTING
