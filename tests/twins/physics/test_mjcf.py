"""What a model may contain to be compiled on the trusted side."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinbench.twins.physics.mjcf import ModelRefused, ModelTooLarge, check_xml, flex_nodes

PENDULUM = """<mujoco><worldbody><body name="pole"><joint name="hinge"/><geom size=".1"/></body></worldbody>
<asset><texture name="grid" type="2d" builtin="checker" width="512" height="512"/></asset></mujoco>"""


def test_a_self_contained_model_passes():
    check_xml(PENDULUM)


@pytest.mark.parametrize("xml", [
    '<mujoco><include file="other.xml"/></mujoco>',
    '<mujoco><asset><mesh name="m" file="m.stl"/></asset></mujoco>',
    '<mujoco><compiler meshdir="/etc"/></mujoco>',
    '<mujoco><asset><texture name="t" type="cube" fileright="a.png"/></asset></mujoco>',
    '<mujoco><asset><hfield name="h" nrow="10" ncol="10" size="1 1 1 1"/></asset></mujoco>',
    '<mujoco><extension><plugin plugin="mujoco.elasticity.cable"/></extension></mujoco>',
    '<mujoco><worldbody><composite type="cable" count="10 1 1"/></worldbody></mujoco>',
    '<mujoco><worldbody><flexcomp name="f" type="grid" count="3 x 1" dim="2"/></worldbody></mujoco>',
    '<!DOCTYPE m [<!ENTITY x "y">]><mujoco/>',
    "<mujoco><worldbody>",
])
def test_files_plugins_composites_and_malformed_xml_are_refused(xml):
    with pytest.raises(ModelRefused):
        check_xml(xml)


def test_flexes_pass_and_their_nodes_are_counted():
    grid = '<flexcomp name="f" type="grid" count="{}" dim="2"><edge equality="true"/></flexcomp>'
    check_xml(f"<mujoco><worldbody>{grid.format('6 6 1')}</worldbody></mujoco>")
    check_xml('<mujoco><worldbody><body name="a"/><body name="b"/></worldbody><deformable><flex name="s" dim="1" '
              'body="a b" element="0 1"/></deformable></mujoco>')
    assert flex_nodes(ET.fromstring(grid.format("6 6 1"))) == 36
    assert flex_nodes(ET.fromstring('<flexcomp type="grid" dim="3"/>')) == 1000  # MuJoCo's default count 10 10 10
    assert flex_nodes(ET.fromstring('<flexcomp type="direct" point="0 0 0 1 0 0 0 1 0" element="0 1 2"/>')) == 3
    assert flex_nodes(ET.fromstring('<flex vertex="0 0 0 1 0 0" element="0 1"/>')) == 2
    with pytest.raises(ModelTooLarge, match="flex nodes"):
        check_xml(f"<mujoco><worldbody>{grid.format('30 30 1')}</worldbody></mujoco>")
    with pytest.raises(ModelTooLarge, match="flex nodes"):  # each copy of a replicated flex counts
        check_xml(f'<mujoco><worldbody><replicate count="20">{grid.format("6 6 1")}</replicate></worldbody></mujoco>')


@given(st.lists(st.integers(min_value=-3, max_value=10**9), min_size=3, max_size=3))
def test_a_flexcomp_is_refused_before_compiling_when_its_grid_is_over_the_cap(count):
    grid = " ".join(map(str, count))
    xml = f'<mujoco><worldbody><flexcomp name="f" type="grid" count="{grid}"/></worldbody></mujoco>'
    nodes = max(count[0], 1) * max(count[1], 1) * max(count[2], 1)
    if nodes > 500:
        with pytest.raises(ModelTooLarge):
            check_xml(xml, max_flex_nodes=500)
    else:
        check_xml(xml, max_flex_nodes=500)


@pytest.mark.parametrize("xml", [
    "<mujoco>" + " " * 300_000 + "</mujoco>",
    '<mujoco><worldbody><replicate count="100"><replicate count="100"><geom size=".1"/></replicate>'
    "</replicate></worldbody></mujoco>",
    '<mujoco><asset><texture name="t" type="2d" builtin="flat" width="10000" height="10000"/></asset></mujoco>',
])
def test_large_models_are_too_large(xml):
    with pytest.raises(ModelTooLarge):
        check_xml(xml)


@given(st.text(max_size=400))
def test_any_text_is_accepted_or_refused_with_a_model_error(text):
    try:
        check_xml(text)
    except (ModelRefused, ModelTooLarge):
        pass


@given(st.integers(min_value=-5, max_value=10**12), st.integers(min_value=0, max_value=10**6))
def test_replicated_elements_are_counted_before_anything_compiles(count, inner):
    xml = f'<mujoco><replicate count="{count}">' + "<geom/>" * min(inner, 50) + "</replicate></mujoco>"
    try:
        check_xml(xml, max_elements=1000)
    except ModelTooLarge:
        assert max(count, 0) * min(inner, 50) + max(count, 0) + 1 > 1000
