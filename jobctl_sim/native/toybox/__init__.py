"""toybox, the tools behind ``/system/bin/ls``, ``cat``, ``grep``, ``ps`` … on Android (``external/toybox``).

Texts follow the real implementations: tools report ``NAME: PATH: <strerror>`` (``lib/lib.c``
``perror_msg``) and exit 1; option errors are ``NAME: Unknown option 'X' (see "NAME --help")``
(``lib/args.c``), with the tool's ``TOYFLAG_ARGFAIL`` status. Modules:

* :mod:`.args` -- option parsing from each tool's ``NEWTOY`` option string, error texts;
* :mod:`.inputs` -- file operands and stdin (``loopfiles``); :mod:`.regex` -- POSIX regexes;
* :mod:`.files` -- ``cat``, ``rm``, ``mv``, ``mkdir``, ``ls``;
* :mod:`.fileinfo` -- ``stat``, ``touch``, ``chmod``, ``md5sum``/``sha*sum``; :mod:`.find` -- ``find``;
* :mod:`.text` -- ``head``, ``tail``, ``cut``, ``wc``, ``tr``, ``tee``, ``sort``; :mod:`.grep`; :mod:`.sed`;
  :mod:`.awk` (with :mod:`.awk_parse`); :mod:`.xargs`; :mod:`.printf`;
* :mod:`.ps` -- ``ps``, ``pidof`` over :mod:`jobctl_sim.native.processes`;
* :mod:`.system` -- ``sleep``, ``getprop``, ``setprop``, ``id``; :mod:`.sysinfo` -- ``whoami``, ``uname``,
  ``date``, ``log``.
"""
