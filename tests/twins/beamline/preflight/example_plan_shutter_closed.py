# examples/plan.py as it is: heats to 60 °C measuring every 5 degrees, but never opens the shutter.
# expect: shutter-closed@12
# absent: setpoint-not-reached, heater-on-at-end
sam = Sample('polymer')
sam.xabs(1.5)
sam.setLinkamRate(10)
sam.setLinkamTemperature(60)
sam.setLinkamOn()
for target in range(30, 61, 5):
    while sam.linkamTemperature() < target - 0.1:
        time.sleep(5)
    sam.measure(1)
sam.setLinkamTemperature(25)
