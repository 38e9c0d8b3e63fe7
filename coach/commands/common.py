"""What every command needs: error reporting, the Settings, and opening the bank and the store."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.bank import Bank
    from coach.config import Settings
    from coach.rubric import Rubric
    from coach.scorecard import ScoreCard
    from coach.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def flag(name: str, **options: Any) -> Any:
    """A boolean --flag. The empty metavar keeps Typer 0.29 from printing <bool> after it in --help, which reads as
    if the flag took a value."""
    return typer.Option(name, metavar="", **options)


def reports_errors(fn: F) -> F:
    """Turn a CoachError into `coach: error: ...` lines on stderr and its exit code (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CoachError as exc:
            for line in str(exc).splitlines():
                typer.echo(f"coach: error: {line}", err=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def settings(ctx: typer.Context) -> Settings:
    """The Settings built by the root callback."""
    root = ctx.find_root()
    if root.obj is None:
        from coach import config

        root.obj = config.load()
    return root.obj  # type: ignore[no-any-return]


def load_bank(ctx: typer.Context) -> Bank:
    """The shipped bank plus COACH_BANK_PATH, validated (cached under COACH_HOME)."""
    from coach import bank

    cfg = settings(ctx)
    # no ensure_home here: the parse cache is optional, and open_store checks the home once per command
    return bank.load(cfg.bank_paths, cfg.cache_dir)


def open_store(ctx: typer.Context) -> Store:
    """The user's database, migrated."""
    from coach import store

    cfg = settings(ctx)
    cfg.ensure_home()
    return store.open_store(cfg.db_path)


def score_answer(cfg: Settings, r: Rubric, text: str) -> ScoreCard:
    """Score a design answer, with the rubric's compiled phrases kept in the parse cache between runs (half the
    scoring time). The entry is keyed on the rubric's content (not its file: the file may change during a round)
    and on the scorer's and stemmer's code, so it follows an edit to any of them."""
    import Stemmer

    from coach import cache, scoring
    from coach import text as matching

    try:
        code = "|".join(str(os.stat(m.__file__ or "").st_mtime_ns) for m in (scoring, matching, Stemmer))
    except OSError:
        return scoring.score(r, text)
    entry = cache.keyed(cfg.cache_dir, "scorer", r.id, f"{code}|{r._replace(path='')!r}")
    prepared = scoring.Prepared.from_plain(cache.read(entry))
    if prepared is not None:
        try:
            return scoring.score(r, text, prepared)
        except (TypeError, ValueError, LookupError):
            pass  # an entry of the right outline but the wrong insides (written by hand?): a miss, like garbage
    prepared = scoring.prepare(r)
    cache.write(entry, prepared.plain())
    return scoring.score(r, text, prepared)
