"""The adbd side of the virtual device: the wire protocol, connections, streams and services."""
