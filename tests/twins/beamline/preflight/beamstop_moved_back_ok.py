# Moves the beamstop for a WAXS-only measurement with the beam off, then back.
# expect:
# absent: direct-beam, beamstop-not-parked
RE(bps.mv(bsy, 10.0))
detselect(pilatus800)
beam.on()
beam.setTransmission(0.0005)
sam.measure(1)
beam.setTransmission(1)
beam.off()
RE(bps.mv(bsy, 0.0))
