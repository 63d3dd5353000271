"""The metrics of the "Analytics (staff)" contract: RFM, LTV by cohort, ABC/XYZ, BCG, fraud signals and churn risk.

A Django app of its own (label `metrics`) inside analytics, like messaging inside campaigns: it has a model (the
trained churn model) and the admin's report pages. Each metric is a selector over confirmed purchases net of
refunds (`base`), limited to the brands the caller asked for and may see; `scores` writes the RFM segment and the
churn risk of every contact into `contacts.ContactScore` for segment rules.
"""
