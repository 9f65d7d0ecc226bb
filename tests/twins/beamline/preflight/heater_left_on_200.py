# Anneal at 200 °C and measure, but the plan ends with the heater still on.
# expect: heater-on-at-end@7
# absent: setpoint-not-reached
beam.on()
sam.setLinkamRate(50)
sam.setLinkamTemperature(200)
sam.setLinkamOn()
while sam.linkamTemperature() < 200:
    time.sleep(2)
sam.measureTimeSeries(2, 5, 10)
beam.off()
