# Sets 80 °C but never switches the heater on: the sample is measured at room temperature.
# expect: setpoint-not-reached@8
beam.on()
sam.setLinkamRate(10)
sam.setLinkamTemperature(80)
time.sleep(600)
for _ in range(3):
    sam.measure(1)
beam.off()
