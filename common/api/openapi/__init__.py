"""The OpenAPI document an integrator reads: operations grouped by area (`tags`), one summary each (`summaries`),
the error responses each answers (`errors`), and the schema class and hooks that apply them (`schema`)."""
