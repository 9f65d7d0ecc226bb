# Three independent mistakes the control system refuses; the rest of the plan still runs in the check.
# expect: heater-on-at-end@8
# refused: 5, 6, 9
beam.on()
sam.xabs(75)
sam.setLinkamTemperature(400)
sam.setLinkamTemperature(120)
sam.setLinkamOn()
sam.setLinkamRate(500)
while sam.linkamTemperature() < 120:
    time.sleep(1)
sam.measure(1)
beam.off()
