"""Churn risk: features (`features`), the model trained and validated by the `analytics` job (`model`)."""

from analytics.metrics.churn.model import HORIZON_DAYS, churn_risks, churn_train

__all__ = ["HORIZON_DAYS", "churn_risks", "churn_train"]
