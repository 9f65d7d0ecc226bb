# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
print(open("/work/main/pyproject.toml").read())
print(open("/etc/shadow").read())
