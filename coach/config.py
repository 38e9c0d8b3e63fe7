"""Settings: where coach keeps its data, which banks it reads, and the clock. The one process-wide object.

Reads the environment once; nothing else in coach reads os.environ.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from coach.errors import HomeError

HERE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """The shipped `question_bank` or `rubrics` folder: inside the installed package, or beside it in a checkout."""
    inside = HERE / name
    return inside if inside.is_dir() else HERE.parent / name


@dataclass(frozen=True, slots=True)
class Clock:
    """Now, in UTC. `fixed` pins it (tests, COACH_NOW) so schedules are reproducible."""

    fixed: datetime | None = None

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        return self.fixed if self.fixed is not None else datetime.now(timezone.utc)


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    bank_paths: tuple[Path, ...]
    rubric_dir: Path
    clock: Clock = field(default_factory=Clock)
    debug: bool = False
    seed: int | None = None  # COACH_SEED: the same choice order every run (tests, recorded demos)

    @property
    def db_path(self) -> Path:
        return self.home / "coach.db"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    def ensure_home(self) -> Path:
        """Create COACH_HOME if needed and check it is writable."""
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            probe = self.home / f".write-test-{os.getpid()}"  # per process: sessions starting together
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise HomeError(
                f"cannot write to COACH_HOME {self.home}: {exc.strerror or exc}",
                hint="set COACH_HOME to a writable folder",
            ) from None
        return self.home


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("coach", appauthor=False))


def _parse_now(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def load(environ: dict[str, str] | None = None) -> Settings:
    """Build Settings from the environment (COACH_HOME, COACH_BANK_PATH, COACH_SHIPPED_BANK, COACH_NOW,
    COACH_SEED, COACH_DEBUG)."""
    env = os.environ if environ is None else environ
    home = Path(env["COACH_HOME"]).expanduser() if env.get("COACH_HOME") else default_home()
    extra = tuple(Path(p).expanduser() for p in env.get("COACH_BANK_PATH", "").split(os.pathsep) if p.strip())
    now = env.get("COACH_NOW")
    try:
        clock = Clock(_parse_now(now)) if now else Clock()
    except ValueError:
        raise HomeError(f"COACH_NOW={now!r} is not an ISO-8601 time", hint="unset it, or use 2026-01-31T09:00:00Z") from None
    return Settings(
        home=home,
        # COACH_SHIPPED_BANK=0 serves only your own banks (and gives tests a bank they control)
        bank_paths=extra if env.get("COACH_SHIPPED_BANK") == "0" else (shipped_dir("question_bank"), *extra),
        rubric_dir=shipped_dir("rubrics"),
        clock=clock,
        debug=env.get("COACH_DEBUG", "") not in ("", "0"),
        seed=int(env["COACH_SEED"]) if env.get("COACH_SEED", "").isdigit() else None,
    )
