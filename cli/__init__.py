"""jobctl's command line: a thin click front end over :mod:`bridge`."""
