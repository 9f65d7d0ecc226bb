# Meant to measure at 150 °C: sets the temperature and measures at once, then cools.
# expect: setpoint-not-reached@8
beam.on()
sam.setLinkamRate(20)
sam.setLinkamTemperature(150)
sam.setLinkamOn()
time.sleep(30)
sam.measure(5)
sam.setLinkamOff()
beam.off()
