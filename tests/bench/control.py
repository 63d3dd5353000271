"""`--control-percent N` (in-process stage): the bench brand's active campaigns hold out N % of their audience while
the figures are measured, so that the till hashes each contact for each campaign (`campaigns.engine.control`);
their own values come back afterwards."""

from collections.abc import Iterator
from contextlib import contextmanager

from tests.bench.data import BenchData


@contextmanager
def control_groups(data: BenchData, percent: int) -> Iterator[None]:
    if not percent:
        yield
        return
    from campaigns.choices import CampaignStatus
    from campaigns.models import Campaign
    from campaigns.snapshot import bump_version

    campaigns = Campaign.objects.filter(brand_id=data.brand_id, status=CampaignStatus.ACTIVE)
    before = dict(campaigns.values_list("pk", "control_percent"))
    campaigns.update(control_percent=percent)
    bump_version(data.brand_id)
    try:
        yield
    finally:
        for value in set(before.values()):
            Campaign.objects.filter(pk__in=[pk for pk, kept in before.items() if kept == value]).update(
                control_percent=value
            )
        bump_version(data.brand_id)
