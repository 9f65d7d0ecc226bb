# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import threading

while True:
    threading.Thread(target=threading.Event().wait, daemon=True).start()
