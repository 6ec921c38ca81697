"""toybox, the tools behind ``/system/bin/ls``, ``cat``, ``getprop`` … on Android (``external/toybox``).

Texts follow the real implementations: tools report ``NAME: PATH: <strerror>`` (``lib/lib.c``
``perror_msg``) and exit 1; option errors are ``NAME: Unknown option 'X' (see "NAME --help")``
(``lib/args.c``). Modules:

* :mod:`.args` -- option parsing and error texts shared by the tools;
* :mod:`.files` -- ``cat``, ``rm``, ``mv``, ``mkdir``, ``ls``;
* :mod:`.system` -- ``sleep``, ``getprop``, ``setprop``, ``id``.
"""
