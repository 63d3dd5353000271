"""The analytics dashboards in the admin (brand overview, register load, register inventory, program report) and the
admin's home page: pages fed by the summaries' selectors (`analytics.summaries`), each limited to the user's brands,
filterable by brand, partner, store, register and period, every table downloadable as CSV and XLSX."""
