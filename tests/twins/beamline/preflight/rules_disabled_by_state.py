# A beamline where measure opens the shutter itself: the state file beside it turns the shutter rule off.
# expect:
sam.setLinkamTemperature(60)
sam.setLinkamOn()
while sam.linkamTemperature() < 60:
    time.sleep(1)
sam.measure(1)
