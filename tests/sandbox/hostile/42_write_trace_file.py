# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import json

sam.measure(1)
json.dump({"events": [{"channel": "FORGED", "timestamp": 0, "value": 1}]}, open("trace.json", "w"))
