"""The device's log: what logd holds and the ``logcat`` command that reads it.

One module per job, with the AOSP files each follows (``system/logging``):

* :mod:`.buffer` -- the entries logd keeps, bounded, with async followers;
* :mod:`.formats` -- ``-v`` line formats (``liblog/logprint.cpp``);
* :mod:`.filters` -- filterspecs (``android_log_addFilterRule``);
* :mod:`.command` -- the ``logcat`` command: options, dividers, delivery (``logcat/logcat.cpp``).
"""
