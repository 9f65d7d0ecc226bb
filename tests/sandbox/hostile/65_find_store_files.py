# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

SKIP = {"/proc", "/sys", "/dev", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}


def walk() -> list[str]:
    """Every file and folder outside the system folders and installed packages."""
    seen = []
    for root, dirs, files in os.walk("/"):
        skip = ("site-packages", "python3")
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in SKIP and not d.startswith(skip)]
        seen += [os.path.join(root, n) for n in dirs + files]
    return seen


found = [p for p in walk() if p.endswith((".sqlite", ".sqlite-wal", ".db"))]
if found:
    raise SystemExit(f"store visible: {found[:5]}")
