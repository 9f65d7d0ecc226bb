# A misspelt command after the shutter opens: the plan stops there, so the end-of-plan rules are not applied.
# expect:
# absent: no-exposure
beam.on()
sam.xabs(1)
sam.meaure(1)
beam.off()
