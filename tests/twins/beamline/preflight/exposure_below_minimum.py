# A typo in the unit: 0.5 ms instead of 0.5 s.
# expect: exposure-time@6
beam.on()
sam.xabs(0.5)
sam.measure(2)
sam.measure(0.0005)
beam.off()
