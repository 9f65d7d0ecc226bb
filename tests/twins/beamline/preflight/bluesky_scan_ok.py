# A bluesky line scan with the exposure set first.
# expect:
beam.on()
RE(bps.mv(pilatus2M.cam.acquire_time, 0.5, pilatus2M.cam.acquire_period, 0.6))
RE(bp.scan([pilatus2M], smx, -1, 1, 5))
RE(bps.mv(smx, 0))
beam.off()
