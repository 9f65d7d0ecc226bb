# A hold series at 120 °C that waits a fixed minute instead of waiting for the temperature.
# expect: setpoint-not-reached@8, heater-on-at-end@6
beam.on()
sam.setLinkamRate(5)
sam.setLinkamTemperature(120)
sam.setLinkamOn()
time.sleep(60)
sam.measureTimeSeries(1, 5, 20)
beam.off()
