# Moves the beamstop out to see the direct beam but forgets the attenuator, and leaves the beamstop out.
# expect: direct-beam@6, beamstop-not-parked@5
beam.on()
sam.xabs(0)
RE(bps.mv(bsx, 5.0))
sam.measure(0.1)
beam.off()
