"""Analytics' periodic jobs (registered in common.jobs by AnalyticsConfig.ready)."""

from datetime import datetime

from analytics.services import licence_record


def licence(at: datetime) -> str:
    """Store the day's counts of active contacts (per brand and in all); e-mail superusers at 90 % of the licence."""
    counts = licence_record(at=at)
    licensed = counts.licensed or "unlimited"
    return f"{counts.active} active contacts of {licensed} ({counts.share:.1%}), {len(counts.by_brand)} brands"
