"""The admin of promo codes, one module per area; importing them registers the admins.

- `pools`: pools, their figures and usage over the last 30 days (`panels`), with the page's own views for
  generation with the progress of background jobs, import and export of codes (`pool_views`);
- `codes`: the codes, code uses, generation jobs and blocked guessing (read-only).

Registration only: a pool is saved through `pool_save` and deleted through `pool_delete`; codes are generated
(`codes_generate` within the request up to `sync_limit()`, a background job from `job_start` above it), imported
(`codes_import`) and exported (`codes_export`) by the services, and the figures come from the selectors. Every admin
is limited to the user's brands. The code tables hold millions of rows: their lists never count, search the unique
index of the code, and filter by pool with a plain list of the user's pools.
"""

from promocodes.admin import codes, pools

__all__ = ["codes", "pools"]
