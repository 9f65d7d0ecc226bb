# A misspelt command after the shutter opens: the plan stops there.
# expect: no-exposure@-
beam.on()
sam.xabs(1)
sam.meaure(1)
beam.off()
