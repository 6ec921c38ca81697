"""jobctl's virtual device: a pure-Python Android device that speaks the real adbd protocol.

The real adb server, adbutils and other people's adb clients talk to it as to a phone. Laid out
by layer, bottom up, each folder knowing only the ones above it in this list:

* :mod:`jobctl_sim.adbd` -- the adbd side: message framing (``wire``), one connection's
  handshake, streams and flow control (``transport``), stdin/stdout (``streams``), the services
  an OPEN asks for (``services``: shell, exec, sync, abb_exec, sockets, reboot), the listening
  sockets (``server``) and the replugging cable (``cable``);
* :mod:`jobctl_sim.native` -- the operating system under the framework: the in-memory
  filesystem (``fs``), system properties (``props``), logd and ``logcat`` (``logcat``), the
  virtual clock (``clock``), and ``/system/bin/sh`` with toybox's builtins (``shell``);
* :mod:`jobctl_sim.framework` -- the Android framework services, one module per service
  (``activity``, ``battery``, ``connectivity``, ``jobscheduler`` …), all reached through
  ``cmd``/``dumpsys``/``am``/``pm`` like on a phone;
* :mod:`jobctl_sim.apps` -- app-side models that run in place of dex code (the jobctl helper);
* :mod:`jobctl_sim.device` -- one device assembling all of the above;
* :mod:`jobctl_sim.harness`, :mod:`jobctl_sim.daemon`, :mod:`jobctl_sim.faults` -- running
  devices in-process (tests) or in the background (``jobctl sim start``), and injecting faults.

Every fidelity detail cites the AOSP source or capture it follows, in the module that has it.
Of jobctl's library it uses only the adb transport (:mod:`bridge.adb`, to reach the adb server
it plugs itself into) and the error base (:mod:`bridge.errors`); the library imports this package
only where a user asks for a virtual device.
"""
