"""The uplift of a campaign over its control group, and its confidence interval.

uplift = revenue per contact of the target ÷ that of the control − 1, over every contact of each group (buyers or
not). The interval is the delta method on the log of that ratio with each group's own variance (Welch's way, no
pooled variance): se² = s_t² ÷ (n_t · m_t²) + s_c² ÷ (n_c · m_c²), and exp(log(m_t ÷ m_c) ± z · se) − 1. It stays
above −1, is asymmetric as a ratio's interval should be, and needs only each group's count, sum and sum of squares,
which the database adds up; a bootstrap would need every contact's revenue in memory. Statistics in floats: the
money figures themselves stay Decimal.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

CONFIDENCE = 0.95
Z = 1.959963984540054  # the normal quantile of 0.975
PLACES = 4


@dataclass(frozen=True)
class GroupSums:
    """One group's contacts, and the sum and sum of squares of their revenues (a non-buyer adds 0 to both)."""

    contacts: int
    revenue: Decimal
    squares: Decimal

    @property
    def mean(self) -> float:
        return float(self.revenue) / self.contacts if self.contacts else 0.0

    @property
    def variance(self) -> float:
        """The sample variance of revenue per contact (0 for fewer than two contacts)."""
        n = self.contacts
        if n < 2:
            return 0.0
        return max((float(self.squares) - n * self.mean**2) / (n - 1), 0.0)


@dataclass(frozen=True)
class Uplift:
    """The uplift and its interval (None where there is no estimate), and why there is none (a code)."""

    value: float | None
    low: float | None
    high: float | None
    reason: str | None


def uplift(target: GroupSums, control: GroupSums, *, control_percent: int) -> Uplift:
    """The target's revenue per contact against the control's; no estimate without a control group that bought."""
    if control_percent <= 0:
        return Uplift(None, None, None, "no_control_group")
    if control.contacts == 0:
        return Uplift(None, None, None, "control_group_empty")
    if target.contacts == 0:
        return Uplift(None, None, None, "target_group_empty")
    if control.revenue <= 0:
        return Uplift(None, None, None, "no_control_revenue")
    ratio = (target.revenue / target.contacts) / (control.revenue / control.contacts)
    value = round(float(ratio - 1), PLACES)
    if target.revenue <= 0 or target.contacts < 2 or control.contacts < 2:
        return Uplift(value, None, None, None)  # no log of zero, no variance of one
    se = math.sqrt(
        target.variance / (target.contacts * target.mean**2) + control.variance / (control.contacts * control.mean**2)
    )
    centre = math.log(float(ratio))
    low, high = math.exp(centre - Z * se) - 1, math.exp(centre + Z * se) - 1
    return Uplift(value, round(low, PLACES), round(high, PLACES), None)
