# Transmission 0 by mistake (meant 0.1): the frames get no beam, and the attenuator stays in.
# expect: beam-blocked@7, attenuator-left-in@4
beam.on()
beam.setTransmission(0)
for x in (0.0, 0.5, 1.0):
    sam.xabs(x)
    sam.measure(1)
beam.off()
