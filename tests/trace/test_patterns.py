"""Channel patterns in scoring configs: `*` is the only wildcard, the most specific pattern wins."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from twinbench.trace.patterns import any_match, best_match, matches

NAMES = st.text(alphabet="abz/[]().?+^$|{}\\#-_0", max_size=20)


@given(NAMES)
def test_a_name_without_star_matches_only_itself(name):
    assert matches(name, name) or "*" in name
    assert not matches(name, name + "x") or "*" in name


@given(NAMES, NAMES)
def test_a_star_matches_any_run_of_characters(prefix, suffix):
    pattern = prefix.replace("*", "") + "*" + suffix.replace("*", "")
    assert matches(pattern, prefix.replace("*", "") + "anything/at[0]" + suffix.replace("*", ""))


def test_brackets_and_dots_are_literal():
    assert matches("sensor/acc[0]", "sensor/acc[0]") and not matches("sensor/acc[0]", "sensor/acc0")
    assert matches("sensor/*[1]", "sensor/acc[1]") and not matches("sensor/*[1]", "sensor/acc1")
    assert not matches("body/*/pos.x", "body/a/posXx")


def test_the_exact_name_then_the_most_specific_pattern_wins():
    table = {"*": 0, "joint/*": 1, "joint/*/qpos": 2, "joint/hinge/qpos": 3}
    assert best_match(table, "joint/hinge/qpos") == 3
    assert best_match(table, "joint/elbow/qpos") == 2
    assert best_match(table, "joint/elbow/qvel") == 1
    assert best_match(table, "body/x") == 0
    assert best_match({"joint/*": 1}, "body/x") is None
    assert any_match(["param/*", "contact/*"], "contact/a|b") and not any_match(["param/*"], "write/time")
