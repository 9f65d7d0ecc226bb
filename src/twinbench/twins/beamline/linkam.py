"""Linkam thermal-stage physics: a linear ramp at the set rate with the heater on, passive cooling off."""

from __future__ import annotations

import math

from twinbench.twins.beamline.config import LinkamConfig


class Linkam:
    """Measured temperature as a function of time; rates are deg C per minute, as on the controller."""

    def __init__(self, cfg: LinkamConfig):
        self.temperature = cfg.temperature
        self.setpoint = cfg.setpoint
        self.rate = cfg.rate
        self.heater = cfg.heater
        self.ambient = cfg.ambient
        self.tau = cfg.cooling_time_constant

    def evolve(self, dt: float) -> None:
        """Advance the stage by `dt` seconds."""
        if dt <= 0:
            return
        if self.heater:
            step = self.rate / 60.0 * dt
            if self.temperature < self.setpoint:
                self.temperature = min(self.setpoint, self.temperature + step)
            else:
                self.temperature = max(self.setpoint, self.temperature - step)
        else:
            self.temperature = self.ambient + (self.temperature - self.ambient) * math.exp(-dt / self.tau)
