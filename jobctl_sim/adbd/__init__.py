"""The adbd side of the virtual device: the wire protocol, connections and the services they open.

It serves any :class:`~jobctl_sim.device.VirtualDevice` and knows nothing of Android.
"""
