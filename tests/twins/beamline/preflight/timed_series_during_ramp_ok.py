# A time series every 30 s through a ramp to 80 °C that arrives mid-series, then heater off.
# expect:
# absent: setpoint-not-reached
beam.on()
sam.setLinkamRate(10)
sam.setLinkamTemperature(80)
sam.setLinkamOn()
sam.measureTimeSeries(1, 15, 29)
sam.setLinkamOff()
beam.off()
