# GISAXS: align, then three incident angles with SAXS and WAXS together.
# expect:
beam.on()
sam.align()
detselect([pilatus2M, pilatus800])
sam.measureIncidentAngles([0.08, 0.12, 0.15], exposure_time=5)
beam.off()
