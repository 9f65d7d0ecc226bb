# Attenuates for a strong scatterer and never restores full transmission.
# expect: attenuator-left-in@4
beam.on()
beam.setTransmission(0.1)
sam.measure(2)
beam.off()
