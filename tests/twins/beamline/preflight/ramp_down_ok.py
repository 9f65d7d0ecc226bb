# 90 °C for 5 minutes, then a controlled ramp down to 30 °C and a frame when it arrives.
# expect:
# absent: setpoint-not-reached
beam.on()
sam.setLinkamRate(15)
sam.setLinkamTemperature(90)
sam.setLinkamOn()
while sam.linkamTemperature() < 90:
    time.sleep(1)
time.sleep(300)
sam.setLinkamRate(10)
sam.setLinkamTemperature(30)
while sam.linkamTemperature() > 30:
    time.sleep(1)
sam.measure(1)
sam.setLinkamOff()
beam.off()
