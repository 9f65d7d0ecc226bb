# Heat the sample to 60 C at 10 C/min, measuring 1 s every 5 degrees, then cool down.
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
