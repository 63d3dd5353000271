"""The demo data set behind `manage.py seed_demo`: a realistic, working CRM for a new user to explore.

Each part is one function (`seed_org`, `seed_catalogue`, `seed_contacts`, `seed_users`, `seed_purchases`) so later
parts of the product (campaigns, promo codes) can add theirs. Purchases go through the checkout service, as a till
sends them, so the ledger, tiers and settlements are real; `seed_purchases_fast` writes big data sets in bulk
(`seed_demo --fast`, for benchmarks). Every part is idempotent: small objects are
`get_or_create`d on their natural keys and bulk parts are skipped when the demo programs or brands already have
them, so a second run changes nothing. Each part draws from its own `random.Random`, seeded from `--seed` and
the part's name, so skipping one part does not change what another generates. Names (tiers, card types, categories,
products, campaigns, pools, stands ...) are in Russian or English (`--language`), each declared once as a
`demo.data.Text` pair; identifiers (SKUs, codes, logins) are the same in both, and a run finds what a run in the
other language made.
"""
