# The same line scan with the exposure never set: five empty frames.
# expect: exposure-time@4
beam.on()
RE(bp.scan([pilatus2M], smx, -1, 1, 5))
RE(bps.mv(smx, 0))
beam.off()
