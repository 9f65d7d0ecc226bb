# Holds the stage at 30 °C (just above room temperature) and leaves it regulating there.
# expect:
# absent: heater-on-at-end, setpoint-not-reached
beam.on()
sam.setLinkamRate(5)
sam.setLinkamTemperature(30)
sam.setLinkamOn()
while sam.linkamTemperature() < 30:
    time.sleep(1)
sam.measure(10)
beam.off()
