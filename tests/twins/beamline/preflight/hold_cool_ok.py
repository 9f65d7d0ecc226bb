# Anneal at 120 °C: five 2 s frames a minute apart, heater off, a last frame below 40 °C.
# expect:
# absent: setpoint-not-reached, heater-on-at-end
beam.on()
sam.setLinkamRate(20)
sam.setLinkamTemperature(120)
sam.setLinkamOn()
while sam.linkamTemperature() < 120:
    time.sleep(1)
sam.measureTimeSeries(2, 5, 58)
sam.setLinkamOff()
while sam.linkamTemperature() > 40:
    time.sleep(1)
sam.measure(2)
beam.off()
