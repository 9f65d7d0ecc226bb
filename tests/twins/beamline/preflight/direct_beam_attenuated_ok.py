# Direct-beam measurement for the transmission: beamstop out with the attenuator in, then all back.
# expect:
# absent: direct-beam, beamstop-not-parked, attenuator-left-in
beam.on()
beam.setTransmission(0.0001)
RE(bps.mv(bsx, 5.0))
sam.measure(0.1)
RE(bps.mv(bsx, 0.0))
beam.setTransmission(1.0)
sam.measure(1)
beam.off()
