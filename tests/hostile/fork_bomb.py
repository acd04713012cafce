# A fork bomb: every process forks forever. Contained by RLIMIT_NPROC (programs run under their
# own uid) and the private PID namespace; killed at the timeout with everything it started.
# expect: timed out
import contextlib
import os

while True:
    with contextlib.suppress(OSError):
        os.fork()
