# A facility rule from the state file beside it: theta stays below 1 deg; the shutter rule is an error.
# expect: theta-max@5, shutter-closed@3
sam.measureIncidentAngle(0.2, exposure_time=1)
beam.on()
sam.thabs(2.0)
sam.measure(1)
sam.thabs(0)
beam.off()
