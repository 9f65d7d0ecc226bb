# 10 frames of 1 s with a 1 s period: no time left for the readout.
# expect: frame-period@4
beam.on()
sam.series_measure(10, 1.0, exposure_period=1.0)
beam.off()
