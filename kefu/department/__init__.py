"""A department of its own: its configuration's values in pages and forms, `kefu init` and
`kefu upgrade` (the handbook kefu ships, copied into a department's repository)."""
