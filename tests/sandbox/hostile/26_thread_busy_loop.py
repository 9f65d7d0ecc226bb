# expect: timeout
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import threading

threading.Thread(target=lambda: [0 for _ in iter(int, 1)], daemon=True).start()
threading.Event().wait()
