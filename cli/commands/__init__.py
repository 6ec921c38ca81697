"""One module per command group; loaded only when its command runs."""
