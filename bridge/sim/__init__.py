"""The virtual device: a pure-Python Android device that speaks the adbd wire protocol.

Layers, bottom up:

* :mod:`bridge.sim.wire` -- the 24-byte adb message framing (pure functions, no I/O);
* :mod:`bridge.sim.transport` -- one adbd connection: handshake, streams, flow control;
* :mod:`bridge.sim.services` -- what an OPEN asks for (shell, exec, sync, abb_exec, sockets);
* :mod:`bridge.sim.shell` -- a small, honest subset of the device's ``/system/bin/sh``;
* :mod:`bridge.sim.device` -- one device: filesystem, logcat, properties, commands, clock;
* :mod:`bridge.sim.server` -- listening sockets serving one or more devices;
* :mod:`bridge.sim.daemon` -- ``jobctl sim start`` in the background, with a state directory.

The library (:mod:`bridge`) never imports this package; the CLI and the tests do.
"""
