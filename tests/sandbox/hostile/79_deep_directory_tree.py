# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
for _ in range(3000):
    os.mkdir("d", dir_fd=fd)
    fd, parent = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd), fd
    os.close(parent)
print("deep")
