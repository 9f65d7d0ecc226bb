# SAXS and WAXS together, but beam.on() is after the measurement.
# expect: shutter-closed@5
detselect([pilatus2M, pilatus800])
sam.xabs(2)
sam.measure(3)
beam.on()
beam.off()
