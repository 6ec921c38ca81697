"""Limits and exception types both validation layers use, and the two ways they refuse."""

from __future__ import annotations

from bridge.errors import JobSpecError

IAE = "java.lang.IllegalArgumentException"
ISE = "java.lang.IllegalStateException"
NPE = "java.lang.NullPointerException"

RESERVED_EXTRAS_PREFIX = "jobctl."
"""Extras keys the helper keeps for itself (PROTOCOL.md §6.1 ``extras``)."""
MAX_ITEMS_PER_ENQUEUE = 100_000
"""PROTOCOL.md §3.5 ``enqueue``: 1..100 000 items per request."""
MAX_DEBUG_TAGS = 32
MAX_TAG_LENGTH = 127
MAX_NAMESPACE_LENGTH = 1000
MIN_TIME_WINDOW_MS = 15 * 60 * 1000
HELPER_SERVICE_SHORT = "dev.jobctl.helper/.HelperJobService"
"""The helper's job service as ``ComponentName.flattenToShortString`` prints it (PROTOCOL.md §1)."""
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


def platform_error(message: str, java_type: str = IAE) -> JobSpecError:
    return JobSpecError(message, java_type=java_type)


def bad_field(path: str, what: str) -> JobSpecError:
    return JobSpecError(f"field {path}: {what}", option=path)


# ---------------------------------------------------------------- sizes (issue 17: bounded input)
# Checked by layer 1 (bridge.validation.values), so the CLI refuses before any device is
# contacted and the library before anything is sent. Documented in docs/cli-json.md "Limits".
BINDER_TRANSACTION_BYTES = 1024 * 1024 - 2 * 4096
"""What one binder call can carry at most: the process's whole transaction buffer,
``BINDER_VM_SIZE`` = 1 MB minus two pages (frameworks/native/libs/binder/ProcessState.cpp),
shared by every call in flight (android.os.TransactionTooLargeException's documentation). A
``JobInfo`` crosses binder whole -- its extras, transient extras and jobctl's script, which rides
in the extras -- in ``JobScheduler.schedule``/``enqueue`` and again in ``getAllPendingJobs``,
whose answer the helper relays for ``jobctl jobs``."""
MAX_EXTRAS_BYTES = 16 * 1024
"""jobctl's limit on ``extras`` plus ``transient_extras``, each as a compact UTF-8 JSON object
(``{"k":"v"}`` is 9 bytes; none is 0): 1/64 of a
binder transaction (:data:`BINDER_TRANSACTION_BYTES`), so that the pending list of dozens of
such jobs still fits in one (JobScheduler allows 150 jobs per app, android-helper.md §3.2). 10 MB
of extras made ``jobctl jobs`` use 306 MB on the host; on a phone the list would not cross binder."""
MAX_SPEC_BYTES = 64 * 1024
"""jobctl's limit on a whole spec (every field, scripts and extras included) as compact UTF-8
JSON: 1/16 of a binder transaction, which the ``JobInfo`` built from it must cross."""
MAX_SCRIPT_STEPS = 1_000
"""jobctl's limit on the steps of one script (the job's, or one work item's)."""
MAX_ENQUEUE_SCRIPT_STEPS = 100_000
"""jobctl's limit on the steps of all work items' scripts of one enqueue together."""
MAX_TRANSFER_CHUNKS = 10_000
"""jobctl's limit on a ``transfer`` step's rounds: each round journals one ``bytes_reported``
event and writes one logcat line (PROTOCOL.md §7.1), so one step makes at most 10 000 events
(a few MB of journal); ``chunks=5000000`` kept a virtual device busy for 7.5 minutes."""
MAX_ITEM_TAG_LENGTH = 256
"""jobctl's limit on a work item's tag (characters): it is repeated in every work event."""
MAX_SPEC_FILE_BYTES = 1024 * 1024
"""A ``--spec`` file larger than this is refused unread (a valid spec is at most
:data:`MAX_SPEC_BYTES` plus its work items; large work goes in a ``--work-file``)."""
MAX_WORK_FILE_BYTES = 64 * 1024 * 1024
"""A ``--work-file`` larger than this is refused unread: :data:`MAX_ITEMS_PER_ENQUEUE` items of
:data:`MAX_ITEM_TAG_LENGTH` characters with short scripts fit well within it."""
FORBIDDEN_CHARACTERS = "U+0000 (NUL) and unpaired surrogates (U+D800-U+DFFF)"
"""What no string field may contain: a NUL ends a string at adbd, execve and the helper's logcat
line, and a lone surrogate has no UTF-8 form (the helper's journal and the host's JSON would
disagree on the text). Every other character passes, escaped in the helper protocol's ASCII JSON."""
