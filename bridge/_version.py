"""The jobctl version, read by packaging and by ``jobctl --version``."""

__version__ = "0.1.0"
