"""The MuJoCo worker of the physics suite check: real programs in worker subprocesses, their named state at
chosen times and at the end, errors as results, and the band two runs must stay within."""

from twinbench.twins.physics.suite_check import (
    Job,
    check_times,
    run_jobs,
    simulated_duration,
    state_at,
    trajectory_differences,
)
from twinbench.twins.rewrites import in_function

SLIDER = '''import mujoco

XML = """
<mujoco>
  <option gravity="0 0 0"/>
  <worldbody>
    <body name="cart" pos="0 0 1">
      <joint name="x" type="slide" axis="1 0 0"/>
      <geom name="box" type="box" size="0.1 0.1 0.1" mass="{mass}"/>
    </body>
  </worldbody>
</mujoco>
"""

model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.joint("x").qvel[0] = {speed}
while data.time < 1:
    mujoco.mj_step(model, data)
'''


def _slider(speed: float, mass: float = 1.0) -> str:
    return SLIDER.format(speed=speed, mass=mass)


def test_jobs_come_back_in_order_from_two_workers_with_states_at_the_chosen_times():
    jobs = [Job(_slider(0.1 * i), (0.5,)) for i in range(5)]
    results = run_jobs(jobs, workers=2)
    assert [r["error"] for r in results] == [None] * 5
    for i, result in enumerate(results):
        assert abs(result["final"]["joints"]["x"][0] - 0.1 * i) < 1e-6
        assert abs(state_at(result, 0.5)["joints"]["x"][0] - 0.05 * i) < 1e-3
        assert result["final"]["bodies"]["cart"][2] == 1.0
        assert result["final"]["params"]["mass:cart"] == [1.0]


def test_a_failing_program_is_a_result_and_a_program_keeping_its_data_local_is_still_read():
    broken, local = run_jobs([Job("import mujoco\nmujoco.MjModel.from_xml_string('<mujoco')\n"),
                              Job(in_function(_slider(0.3)), (0.5,))])
    assert broken["error"].startswith("ValueError") and broken["final"] is None
    assert local["error"] is None and abs(local["final"]["joints"]["x"][0] - 0.3) < 1e-6


def test_two_runs_agree_inside_the_band_and_differ_outside_it():
    times = check_times(simulated_duration(_slider(1.0)))
    assert times[0] == 0.1 and times[-1] == 1.0 and len(times) == 10
    reference, close, far, heavy = run_jobs([Job(_slider(s, m), times) for s, m in
                                             ((1.0, 1), (1.04, 1), (1.2, 1), (1.0, 3))])
    assert trajectory_differences(reference, close, times) == []  # 0.04 m apart: within 0.02 + 5 % of 1 m
    assert "1.0:joints.x" in trajectory_differences(reference, far, times)
    assert trajectory_differences(reference, heavy, times) == []  # same motion; the mass is a parameter
    assert heavy["final"]["params"]["mass:cart"] == [3.0]
