# The measurement sits in a helper function: the warning names the line inside it.
# expect: exposure-time@6, attenuator-left-in@9
def shoot(x):
    sam.xabs(x)
    sam.measure(1)
    sam.measure(0)

beam.on()
beam.setTransmission(0.5)
for x in (0, 1):
    shoot(x)
beam.off()
