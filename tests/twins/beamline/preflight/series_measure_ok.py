# Fast multi-frame acquisition: 20 frames of 0.5 s.
# expect:
# absent: frame-period
beam.on()
sam.series_measure(20, 0.5)
beam.off()
