"""The `analytics` job's first part: the summaries brought up to date (the metrics join it with their scores, see
`analytics.metrics.jobs`)."""

from datetime import datetime

from analytics.summaries.refresh import summaries_refresh


def summaries_job(at: datetime) -> str:
    """Write again every day of the summaries touched since the last refresh. The summaries hold every receipt
    recorded so far, whatever time the job runs for (`at` matters to the metrics after it)."""
    return ", ".join(str(result) for result in summaries_refresh()) or "nothing to do"
