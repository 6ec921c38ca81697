"""Per-app conditions: the app standby bucket (ref §5.4) and the background restriction
(``RUN_ANY_IN_BACKGROUND``, ref §5.5)."""

from __future__ import annotations

from bridge.conditions.base import ConditionsBase, RestoreStep
from bridge.conditions.originals import appop_record, bucket_record
from bridge.conditions.values import StandbyBucket, check_package_name
from bridge.errors import InvalidConditionError, UnknownPackageError
from bridge.parsers import RUN_ANY_IN_BACKGROUND, AppOpMode, int_word, parse_appop_mode


class AppStandbyConditions(ConditionsBase):
    """``am set-standby-bucket`` and ``cmd appops set … RUN_ANY_IN_BACKGROUND``."""

    def _check_package(self, package: str) -> None:
        check_package_name(package)
        result = self.device.shell(["pm", "path", package], idempotent=True)
        if result.exit_code != 0 or "package:" not in result.text:
            raise UnknownPackageError(f"package {package} is not installed on {self.device.serial}")

    def _read_bucket(self, package: str) -> StandbyBucket:
        return StandbyBucket.parse(int_word(self._run(["am", "get-standby-bucket", package]), "standby bucket"))

    def _switch_bucket(self, package: str, bucket: StandbyBucket) -> None:
        self._run(["am", "set-standby-bucket", package, bucket.shell_name])
        self._wait(lambda: self._read_bucket(package), lambda now: now is bucket, f"standby bucket of {package}",
                   wanted=bucket.name)

    def set_standby_bucket(self, package: str, bucket: StandbyBucket | str | int) -> None:
        """``am set-standby-bucket PKG NAME`` and poll ``am get-standby-bucket PKG`` (ref §5.4).
        EXEMPTED cannot be set from the shell (only ACTIVE..NEVER are accepted)."""
        wanted = StandbyBucket.parse(bucket)
        if wanted is StandbyBucket.EXEMPTED:
            raise InvalidConditionError("the EXEMPTED standby bucket cannot be set (only ACTIVE to NEVER)")
        self._check_package(package)

        def capture() -> RestoreStep:
            original = self._read_bucket(package)
            return lambda: None if original is StandbyBucket.EXEMPTED else self._switch_bucket(package, original)

        self._record_original(bucket_record(package), f"am get-standby-bucket {package}")
        self._remember(f"bucket:{package}", f"restore standby bucket of {package}", capture)
        self._switch_bucket(package, wanted)

    def _read_appop(self, package: str) -> AppOpMode:
        return parse_appop_mode(self._run(["cmd", "appops", "get", package, RUN_ANY_IN_BACKGROUND]))

    def _switch_appop(self, package: str, mode: AppOpMode) -> None:
        self._run(["cmd", "appops", "set", package, RUN_ANY_IN_BACKGROUND, mode.value])
        self._wait(lambda: self._read_appop(package),
                   lambda now: now is mode or (mode is AppOpMode.DEFAULT and now is AppOpMode.ALLOW),
                   f"{RUN_ANY_IN_BACKGROUND} of {package}", wanted=mode.value,
                   seen=lambda now: now.value)

    def restore_appops(self, package: str, original: str) -> None:
        """Put ``RUN_ANY_IN_BACKGROUND`` back as ``original`` (what ``cmd appops get PKG`` printed)
        shows it. A package with no mode set at all ("No operations.") gets ``cmd appops reset
        PKG``: setting ``default`` would print ``RUN_ANY_IN_BACKGROUND: default`` from then on
        (AppOpsService keeps an op set to MODE_DEFAULT, which is not the op's default mode)."""
        if original.strip().startswith("No operations."):
            if self._run(["cmd", "appops", "get", package]).strip().startswith("No operations."):
                return
            self._run(["cmd", "appops", "reset", package])
            self._wait(lambda: self._read_appop(package), lambda now: now in (AppOpMode.DEFAULT, AppOpMode.ALLOW),
                       f"{RUN_ANY_IN_BACKGROUND} of {package}", wanted="default", seen=lambda now: now.value)
        else:
            self._switch_appop(package, parse_appop_mode(original))

    def set_background_restricted(self, package: str, restricted: bool) -> None:
        """``cmd appops set PKG RUN_ANY_IN_BACKGROUND ignore|allow`` and poll ``cmd appops get``
        (ref §5.5). Restore puts the original mode back (``default`` if it was never set)."""
        self._check_package(package)

        def capture() -> RestoreStep:
            original = self._run(["cmd", "appops", "get", package])
            return lambda: self.restore_appops(package, original)

        self._record_original(appop_record(package), f"cmd appops get {package}")
        self._remember(f"appop:{package}", f"restore {RUN_ANY_IN_BACKGROUND} of {package}", capture)
        self._switch_appop(package, AppOpMode.IGNORE if restricted else AppOpMode.ALLOW)
