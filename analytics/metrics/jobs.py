"""The metrics' part of the `analytics` job: every contact's RFM segment, the churn model trained, the risks written.

How the `analytics` job and this step agree: analytics' own `ready()` (the summaries and dashboards) runs first and
registers its `analytics` job, if it has one; `MetricsConfig.ready()` then calls `join_analytics_job()`, which
registers `analytics` as that job followed by `scores_refresh`, or as `scores_refresh` alone. So the summaries'
job must not call `scores_refresh` itself, and a job registered later under the name would leave this step out.
"""

from datetime import datetime

from analytics.metrics.churn import churn_train
from analytics.metrics.models import ChurnStatus
from analytics.metrics.scores import churn_scores_write, rfm_scores_refresh
from common.jobs import JobRun, UnknownJob, get_job, register_job

JOB = "analytics"


def scores_refresh(at: datetime) -> str:
    """Write every contact's RFM segment, train and validate the churn model, write every contact's churn risk."""
    with_rfm = rfm_scores_refresh(at=at)
    model = churn_train(at=at)
    if model.status == ChurnStatus.TRAINED:
        scored = churn_scores_write(model=model, at=at)
        churn = f"churn model AUC {model.auc:.3f} on {model.validation_contacts} contacts, {scored} scored"
    else:
        churn = "churn model not trained (not enough history)"
    return f"RFM segments of {with_rfm} contacts; {churn}"


def join_analytics_job() -> None:
    try:
        before: JobRun | None = get_job(JOB).run
    except UnknownJob:
        before = None
    if before is scores_refresh or getattr(before, "metrics_step", False):
        return  # joined already
    if before is None:
        register_job(JOB, scores_refresh, description="RFM segments, the churn model and churn risks")
        return
    first: JobRun = before

    def analytics(at: datetime) -> str:
        return f"{first(at)}; {scores_refresh(at)}"

    analytics.metrics_step = True  # type: ignore[attr-defined]
    analytics.__doc__ = f"{(first.__doc__ or '').strip()} Then: {scores_refresh.__doc__}"
    register_job(JOB, analytics)
