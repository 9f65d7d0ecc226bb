"""What a model may contain to be compiled on the trusted side."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinbench.twins.physics.mjcf import ModelRefused, ModelTooLarge, check_xml

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
    '<mujoco><worldbody><flexcomp name="f" type="grid" count="3 3 1" dim="2"/></worldbody></mujoco>',
    '<!DOCTYPE m [<!ENTITY x "y">]><mujoco/>',
    "<mujoco><worldbody>",
])
def test_files_plugins_deformables_and_malformed_xml_are_refused(xml):
    with pytest.raises(ModelRefused):
        check_xml(xml)


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
