# Meant 30 to 150 °C every 30 degrees, but range() stops at 120 and the plan cools before 150.
# expect: setpoint-not-reached@10
beam.on()
sam.setLinkamRate(30)
sam.setLinkamTemperature(150)
sam.setLinkamOn()
for T in range(30, 150, 30):
    while sam.linkamTemperature() < T:
        time.sleep(1)
    sam.measure(1)
sam.setLinkamTemperature(25)
sam.setLinkamOff()
beam.off()
