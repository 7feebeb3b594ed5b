"""Mutation runs only (tests/MUTANTS.md): credit every test with what its module's shared fixtures ran.

mutmut's stats phase maps each mutated function to the tests that call it, recording the calls
between one test's teardown and the next.  A module- or session-scoped fixture (a site built once
for a whole file) runs inside the first test that uses it, so only that test is credited; a
mutant in the build then runs that one test and survives though a later test of the file would
kill it.  So in the stats phase a test is also credited with every function an earlier test of
its module ran: more tests per mutant, none missed.
"""

from __future__ import annotations

import os

import pytest

_HITS = pytest.StashKey[dict[str, set[str]]]()


@pytest.hookimpl(tryfirst=True)  # before mutmut's own teardown hook reads and clears the hits
def pytest_runtest_teardown(item: pytest.Item) -> None:
    if os.environ.get("MUTANT_UNDER_TEST") != "stats":
        return
    from mutmut.state import state

    by_module = item.config.stash.setdefault(_HITS, {})
    seen = by_module.setdefault(item.nodeid.split("::")[0], set())
    seen.update(state()._stats)
    state()._stats.update(seen)


@pytest.fixture(autouse=True)
def _fresh_marker_pattern() -> None:
    """Mutation runs only: markers._pattern is cached (functools.cache), and mutmut forks each
    mutant's run from a process whose clean run filled that cache, so the functions that build
    the pattern (`_word`, `_initials`, `_class`, `_letter`) never ran under their mutants, and
    in the stats phase only the first test that needed the pattern was credited with them.
    Each test starts without the cached patterns."""
    if os.environ.get("MUTANT_UNDER_TEST"):
        from site_builder.load import markers

        markers._pattern.cache_clear()


# The site settings' approval (load/admins.py): the test sites carry none, and no test
# but those about it (tests/test_trust_settings.py, which set the variables themselves)
# should see the warning that a build without the administrators' keys gives.  Set here,
# at import, so that every command a test runs in a child process inherits it.
os.environ["SITE_BUILDER_REQUIRE_SETTINGS"] = "0"
os.environ.pop("SITE_BUILDER_SETTINGS_KEYS", None)
