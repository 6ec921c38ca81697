"""jobctl's virtual device: a pure-Python Android device that speaks the real adbd protocol.

The real adb server, adbutils and other people's adb clients talk to it as to a phone. Laid out
in layers, bottom up; each imports only the layers below it (the ``layers`` contract in
pyproject.toml holds it to that):

* :mod:`jobctl_sim.native` -- the operating system every device has: the in-memory filesystem
  (``fs``), system properties (``props``), the virtual clock (``clock``), processes' stdin and
  stdout (``streams``), logd and ``logcat`` (``logcat``), ``/system/bin/sh`` (``shell``), toybox's
  tools (``toybox``) and the table of them all (``commands``). What a command sees of its device
  is the :class:`~jobctl_sim.native.shell.command.DeviceHost` protocol declared here, so nothing
  in this layer knows the device class;
* :mod:`jobctl_sim.faults` -- what can go wrong with a phone and its cable (dropped connections,
  slow commands, low-memory kills, log storms), acting on the device through the
  :class:`~jobctl_sim.faults.FaultyDevice` protocol it declares;
* :mod:`jobctl_sim.device` -- one device: the native parts put together, its faults, its socket
  and command registries; Android is added to it by *extensions*;
* :mod:`jobctl_sim.framework` -- the Android framework services, one module per service
  (``activity``, ``battery``, ``connectivity``, ``jobscheduler`` …), all reached through
  ``cmd``/``dumpsys``/``am``/``pm`` like on a phone;
* :mod:`jobctl_sim.apps` -- app-side models that run in place of dex code (the jobctl helper),
  on top of the framework's package manager and JobScheduler;
* two independent halves over a device: :mod:`jobctl_sim.adbd`, the adbd side, which serves any
  device (message framing ``wire``, one connection's handshake and streams ``transport``, the
  services an OPEN asks for ``services``, adbd's own run -- its uid, ``root:``/``unroot:``, the
  ``reverse:`` listeners -- ``process``, the listening socket ``server``, the replugging
  ``cable``) and knows nothing of Android; and :mod:`jobctl_sim.assembly`, which installs
  Android (the framework, then the apps) on a device;
* :mod:`jobctl_sim.fleet` -- several devices, each assembled and served on its own port;
* :mod:`jobctl_sim.workers` -- a fleet spread over worker processes, one per core;
* :mod:`jobctl_sim.harness`, :mod:`jobctl_sim.daemon` -- running a fleet in-process (tests,
  demo, benchmarks) or as a background process (``jobctl sim start``).

The framework sits above the device because it is installed on one (``AndroidSystem`` keeps its
device); the device reaches its Android model only through the untyped ``device.android`` slot
an extension fills.

Every fidelity detail cites the AOSP source or capture it follows, in the module that has it.
Of jobctl's library it uses only the adb transport (:mod:`bridge.adb`, to reach the adb server
it plugs itself into), the error base (:mod:`bridge.errors`) and the shipped helper APK
(:mod:`bridge.helper_apk`, which it preinstalls); the library imports this package
only where a user asks for a virtual device.
"""
