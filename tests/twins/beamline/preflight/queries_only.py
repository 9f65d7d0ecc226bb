# Only reads positions and the temperature: nothing changes on the instrument.
# expect: empty-plan@-
wsam()
sam.pos()
print(sam.linkamTemperature(), beam.energy())
