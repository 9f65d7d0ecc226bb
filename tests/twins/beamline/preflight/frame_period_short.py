# A fast series whose frame period leaves no readout time.
# expect: frame-period@5
beam.on()
RE(bps.mv(pilatus2M.cam.acquire_time, 1.0, pilatus2M.cam.acquire_period, 0.5, pilatus2M.cam.num_images, 10))
RE(bp.count([pilatus2M]))
RE(bps.mv(pilatus2M.cam.num_images, 1))
beam.off()
