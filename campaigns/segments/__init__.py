"""Customer segments: rules (`fields`, `rules`, `references`), compiled to one query over the program's contacts
(`compiler`, with the leaves in `people` and `activity`), stored members with their stays (`membership`), reads for
audiences and the preview (`selectors`) and the scheduled recompute (`jobs`). The `Segment` and `SegmentMember`
models stay in campaigns/models.py.

Import from the modules (`campaigns.segments.selectors`...): this package's root re-exports nothing, so that the
models module can be imported without the compiler."""
