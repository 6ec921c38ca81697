"""Per-command cost and the virtual devices' use of the cores (issue 16)."""
