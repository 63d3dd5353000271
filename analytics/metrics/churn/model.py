"""The churn model: trained on the installation's own history, validated on a later held-out period, then used.

With the job's time `at` and the horizon H (90 days): the training set is every contact's features as of
`at − 2H`, labelled churned when they made no purchase in the H days after; the validation set the same as of
`at − H` (labels from the last H days, which training never saw), where its AUC is measured. The model is a
logistic regression (scikit-learn) on the features' logarithms (counts and money; the trend keeps its sign),
standardised; its weights are per standardised feature, so they compare. The validated model scores everyone who
bought in the year before `at`: `churn_risk` is its probability of no purchase in the next H days.

Training needs both outcomes among at least `MIN_CONTACTS` contacts at each cutoff; otherwise the row says why
and the risks stay as they were.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from analytics.metrics.churn.features import FEATURES, FeatureSet, bought_between, features_at
from analytics.metrics.models import ChurnModel, ChurnStatus

HORIZON_DAYS = 90
MIN_CONTACTS = 20
MIN_EACH = 3


def _transform(rows: list[list[float]]) -> np.ndarray:
    """log(1 + x) of every feature (all ≥ 0), the trend (index 4) as sign × log(1 + |x|)."""
    matrix = np.asarray(rows, dtype=float).reshape(-1, len(FEATURES))
    trend = matrix[:, 4].copy()
    matrix = np.log1p(np.clip(matrix, 0, None))
    matrix[:, 4] = np.sign(trend) * np.log1p(np.abs(trend))
    return matrix


@dataclass(frozen=True)
class Labelled:
    features: FeatureSet
    churned: np.ndarray  # 1 = no purchase in the horizon


def labelled_at(cutoff: datetime, horizon: timedelta) -> Labelled:
    found = features_at(cutoff)
    buyers = bought_between(cutoff, cutoff + horizon, found.contacts)
    return Labelled(found, np.asarray([0 if contact in buyers else 1 for contact in found.contacts], dtype=int))


def _enough(data: Labelled) -> bool:
    churned = int(data.churned.sum())
    return len(data.churned) >= MIN_CONTACTS and churned >= MIN_EACH and len(data.churned) - churned >= MIN_EACH


def churn_train(*, at: datetime) -> ChurnModel:
    """Train and validate as of `at`; the row (saved) says what came of it."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler

    horizon = timedelta(days=HORIZON_DAYS)
    training_cutoff, validation_cutoff = at - 2 * horizon, at - horizon
    training, validation = labelled_at(training_cutoff, horizon), labelled_at(validation_cutoff, horizon)
    row = ChurnModel(
        trained_at=at,
        horizon_days=HORIZON_DAYS,
        training_cutoff=training_cutoff,
        validation_cutoff=validation_cutoff,
        training_contacts=len(training.churned),
        training_churned=int(training.churned.sum()),
        validation_contacts=len(validation.churned),
        validation_churned=int(validation.churned.sum()),
    )
    if not (_enough(training) and _enough(validation)):
        row.status = ChurnStatus.SKIPPED
        row.note = _(
            "Training needs at least %(min)s contacts who bought in the year before each cutoff, at least "
            "%(each)s of whom did and %(each)s did not buy in the %(days)s days after it."
        ) % {"min": MIN_CONTACTS, "each": MIN_EACH, "days": HORIZON_DAYS}
        row.save()
        return row
    scaler = StandardScaler()
    x_train = scaler.fit_transform(_transform(training.features.rows))
    model = LogisticRegression(max_iter=1000)
    model.fit(x_train, training.churned)
    x_valid = scaler.transform(_transform(validation.features.rows))
    row.training_auc = round(float(roc_auc_score(training.churned, model.predict_proba(x_train)[:, 1])), 4)
    row.auc = round(float(roc_auc_score(validation.churned, model.predict_proba(x_valid)[:, 1])), 4)
    scales = [float(scale) if scale else 1.0 for scale in scaler.scale_]
    row.features = [
        {"name": name, "weight": float(weight), "mean": float(mean), "scale": scale}
        for name, weight, mean, scale in zip(FEATURES, model.coef_[0], scaler.mean_, scales, strict=True)
    ]
    row.intercept = float(model.intercept_[0])
    row.status = ChurnStatus.TRAINED
    row.save()
    return row


def churn_risks(model: ChurnModel, found: FeatureSet) -> list[float]:
    """The model's probability of churn for each row (the stored weights, no pickled estimator)."""
    if not found.rows:
        return []
    weights: list[dict[str, Any]] = model.features
    matrix = _transform(found.rows)
    means = np.asarray([feature["mean"] for feature in weights])
    scales = np.asarray([feature["scale"] for feature in weights])
    coefficients = np.asarray([feature["weight"] for feature in weights])
    logits = ((matrix - means) / scales) @ coefficients + (model.intercept or 0.0)
    return [1.0 / (1.0 + math.exp(-float(value))) for value in np.clip(logits, -50, 50)]
