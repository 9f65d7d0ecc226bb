# Ramp to 100 °C at 10 °C/min, 1 s every 10 °C from 30, then heater off: measures during the ramp on purpose.
# expect:
# absent: setpoint-not-reached, heater-on-at-end
beam.on()
sam.setLinkamRate(10)
sam.setLinkamTemperature(100)
sam.setLinkamOn()
target = 30
while target <= 100:
    if sam.linkamTemperature() >= target:
        sam.measure(1)
        target += 10
    else:
        time.sleep(1)
sam.setLinkamOff()
beam.off()
