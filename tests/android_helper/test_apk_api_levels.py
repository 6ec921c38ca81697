"""NewApi from the dex: every framework class, method and field the helper's dex uses exists in
Robolectric's android-all jar of every API level at which that instruction can run.

The level of an instruction is found by data flow over the dex (``dexapi.guard_levels``):
``if (Build.VERSION.SDK_INT >= N)`` and its variants make the guarded instructions level N..35;
everything else runs from minSdk 26. Calls whose level is guaranteed by data rather than by an
``SDK_INT`` test are listed in ``DATA_GUARDED`` with the reason; the test fails when an entry is no
longer needed or claims a lower level than the jars require.

``java.*`` references cannot be checked against Android's libcore (android-all carries almost none of
it); they are resolved against the Java SE 8 API (the JDK's ct.sym, what ``javac --release 8`` uses).
Downloads android-all 26..35 (about 1.4 GB) into android-helper/build/m2 on first use.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dexapi
from test_apk import APK, load_build

MIN_SDK, MAX_SDK = 26, 35
DATA_GUARDED: dict[tuple[str, str], tuple[int, str]] = {
    # (helper method, framework member [+ descriptor for overloads]) -> (level it is only reached from, why)
    **{("JobInfoFactory.build", f"JobInfo$Builder.{member}"): (level, "JobSpec.checkApiLevel refuses the option "
                                                                      "below its level (PROTOCOL.md §5)")
       for member, level in (("setRequiredNetwork", 28), ("setEstimatedNetworkBytes", 28),
                             ("setImportantWhileForeground", 28), ("setPrefetch", 28), ("setExpedited", 31),
                             ("setMinimumNetworkChunkBytes", 33), ("setUserInitiated", 34),
                             ("addDebugTag", 35), ("setTraceTag", 35))},
    ("AndroidScheduler.in", "JobScheduler.forNamespace"): (34, "the core passes a namespace only on API 34+"),
    ("AndroidScheduler.cancelInAllNamespaces", "JobScheduler.cancelInAllNamespaces"):
        (34, "all_namespaces is refused below API 34 (CommandHandler.allNamespaces)"),
    ("AndroidScheduler.pendingJobs", "JobScheduler.getPendingJobsInAllNamespaces"):
        (34, "all_namespaces is refused below API 34 (CommandHandler.allNamespaces)"),
    ("AndroidJobSession.postNotification", "JobService.setNotification"):
        (34, "only user-initiated jobs (API 34+) post the notification"),
    ("WorkItems.build", "JobWorkItem.<init>(Landroid/content/Intent;JJ)V"):
        (28, "byte estimates on work items are refused below API 28 (WorkItemSpec)"),
    ("WorkItems.build", "JobWorkItem.<init>(Landroid/content/Intent;JJJ)V"):
        (33, "a minimum chunk on work items is refused below API 33 (WorkItemSpec)"),
}


def short(descriptor_method: str) -> str:
    """``Ldev/jobctl/helper/WorkItems;.build:(…)…`` -> ``WorkItems.build``."""
    owner, rest = descriptor_method.split(";.", 1)
    return owner.rsplit("/", 1)[-1] + "." + rest.split(":", 1)[0]


@pytest.fixture(scope="module")
def jars() -> dict[int, dexapi.FrameworkJar]:
    if shutil.which("dexdump") is None:
        pytest.skip("dexdump is not installed (Debian package dexdump; .ci/system-packages installs it)")
    build = load_build()
    javac = shutil.which("javac")
    if javac is None or shutil.which("mvn") is None:
        pytest.skip("javac/mvn missing (Debian packages openjdk-17-jdk-headless, maven)")
    ct_sym = Path(javac).resolve().parent.parent / "lib" / "ct.sym"
    build.fetch([build.api_level_profile(n) for n in range(MIN_SDK, MAX_SDK + 1)])
    java = dexapi.JavaSe8(ct_sym)
    return {n: dexapi.FrameworkJar(build.android_all_jar(n).path(), java) for n in range(MIN_SDK, MAX_SDK + 1)}


def test_every_framework_reference_exists_at_every_level_that_reaches_it(
        jars: dict[int, dexapi.FrameworkJar], tmp_path: Path) -> None:
    dex = tmp_path / "classes.dex"
    with zipfile.ZipFile(APK) as zf:
        dex.write_bytes(zf.read("classes.dex"))
    data = dex.read_bytes()
    methods = dexapi.read_dex_methods(dex)
    own = dexapi.own_classes(dex)
    refs = set(dexapi.references(methods, data, MIN_SDK))
    assert refs, "no references parsed from dexdump"
    used_guards: set[tuple[str, str]] = set()
    checked: dict[int, Counter[str]] = {n: Counter() for n in jars}
    problems: list[str] = []
    for ref in sorted(refs, key=lambda r: (r.owner, r.member, r.method)):
        framework = f"{ref.owner.rsplit('/', 1)[-1].rstrip(';')}.{ref.member}" if ref.member else ref.owner
        key = (short(ref.method), framework + ref.descriptor)
        if key not in DATA_GUARDED:
            key = (short(ref.method), framework)
        level = ref.level
        if key in DATA_GUARDED:
            level = max(level, DATA_GUARDED[key][0])
            used_guards.add(key)
        for n in range(level, MAX_SDK + 1):
            jar = jars[n]
            found = (jar.resolve_class(ref.owner, own) if ref.kind == "class"
                     else jar.resolve(ref.owner, ref.member, ref.descriptor, ref.kind, own))
            checked[n][found] += 1
            if found == "missing":
                problems.append(f"API {n}: {ref.kind} {ref.owner}.{ref.member}:{ref.descriptor} used by "
                                f"{short(ref.method)} (reached from API {level})")
        if key in DATA_GUARDED and level > MIN_SDK and all(
                (jars[n].resolve(ref.owner, ref.member, ref.descriptor, ref.kind, own) != "missing")
                for n in range(MIN_SDK, MAX_SDK + 1)):
            problems.append(f"DATA_GUARDED entry {key} is not needed: the member exists from API {MIN_SDK}")
    stale = set(DATA_GUARDED) - used_guards
    assert not stale, f"DATA_GUARDED entries match no reference any more: {sorted(stale)}"
    assert not problems, "\n".join(problems[:40])
    summary = {n: checked[n]["android"] for n in checked}
    print("framework references checked per API level (android-all):", summary)
    print("java.* references checked against Java SE 8 per level:", {n: checked[n]["java8"] for n in checked})
    assert all(checked[n]["android"] >= 100 for n in checked), summary
    assert checked[MAX_SDK]["android"] > checked[MIN_SDK]["android"]  # guarded calls counted from their level


def test_guard_analysis_sees_sdk_int_guards(tmp_path: Path) -> None:
    """The data flow itself: a call below ``if (SDK_INT >= 34)`` is level 34, the else-branch 26."""
    if shutil.which("dexdump") is None:
        pytest.skip("dexdump is not installed (Debian package dexdump)")
    dex = tmp_path / "classes.dex"
    with zipfile.ZipFile(APK) as zf:
        dex.write_bytes(zf.read("classes.dex"))
    refs = set(dexapi.references(dexapi.read_dex_methods(dex), dex.read_bytes(), MIN_SDK))
    by = {(short(r.method), r.member): r.level for r in refs}
    assert by[("CommandReceiver.onReceive", "getSentFromUid")] == 34
    assert by[("HelperJobService.onStopJob", "getStopReason")] == 31
    assert by[("AndroidScheduler.describe", "isPrefetch")] == 28
    assert by[("AndroidScheduler.describe", "getNetworkType")] == MIN_SDK  # the else branch
    assert by[("AndroidScheduler.describe", "isUserInitiated")] == 34
