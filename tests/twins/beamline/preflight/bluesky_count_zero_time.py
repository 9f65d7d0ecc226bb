# A bluesky count straight after start-up: AcquireTime is still 0, so every frame is empty.
# expect: exposure-time@5
beam.on()
RE(bps.mv(smx, 2.0))
RE(bp.count([pilatus2M], num=3))
beam.off()
