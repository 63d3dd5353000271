"""Summary tables of the analytics: daily figures per register, store, brand, product, contact and campaign, and the
receipts per register and hour, filled by `refresh` from confirmed purchases and refunds so that dashboards and the
analytics API read a few hundred rows instead of millions (see `analytics.summaries.refresh`)."""
