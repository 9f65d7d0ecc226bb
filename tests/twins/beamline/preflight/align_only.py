# Aligns the sample and stops: no frame is ever taken.
# expect: no-exposure@-
beam.on()
sam.align()
beam.off()
