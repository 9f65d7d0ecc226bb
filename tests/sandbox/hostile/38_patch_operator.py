# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
def fake(self, t=None):
    print("pretending to measure")


Sample.measure = fake
sam.measure(5)
sam.xabs(2)
