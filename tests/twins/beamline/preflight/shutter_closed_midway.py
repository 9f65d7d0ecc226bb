# Closes the shutter after the first sample and measures the second in the dark.
# expect: shutter-closed@8
beam.on()
sam.xabs(-5)
sam.measure(2)
beam.off()
sam.xabs(5)
sam.measure(2)
