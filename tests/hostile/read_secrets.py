# Looks for an API key in its environment, in every visible process's environment and in a
# hidden folder of the host: the environment is scrubbed, the PID namespace shows no host
# process, hidden folders are empty.
# expect: secret not found
import contextlib
import os
from pathlib import Path

SECRET = "__SECRET__"
found = SECRET in "".join(os.environ.values())
for pid in filter(str.isdigit, os.listdir("/proc")):
    with contextlib.suppress(OSError):
        found |= SECRET.encode() in Path(f"/proc/{pid}/environ").read_bytes()
with contextlib.suppress(OSError):
    found |= SECRET in Path("__SECRET_FILE__").read_text()
if not found:
    raise LookupError("secret not found")
print(SECRET)
