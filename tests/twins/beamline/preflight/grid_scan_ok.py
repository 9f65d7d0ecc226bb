# A 3 x 3 grid around the origin, 1 s per point.
# expect:
beam.on()
for dy in (-0.2, 0.0, 0.2):
    for dx in (-0.5, 0.0, 0.5):
        sam.xabs(dx)
        sam.yabs(dy)
        sam.measure(1)
sam.gotoOrigin(['x', 'y'])
beam.off()
