# Heat a block-copolymer film from 25 to 150 °C at 10 °C/min, a 1 s SAXS frame every 10 °C, then cool.
# expect:
# absent: setpoint-not-reached, heater-on-at-end, shutter-closed
sam = Sample('PS-b-PMMA')
beam.on()
sam.xabs(1.5)
sam.setLinkamRate(10)
sam.setLinkamTemperature(150)
sam.setLinkamOn()
for target in range(30, 151, 10):
    while sam.linkamTemperature() < target:
        time.sleep(1)
    sam.measure(1)
sam.setLinkamOff()
beam.off()
