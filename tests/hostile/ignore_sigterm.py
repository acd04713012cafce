# Ignores SIGTERM and spins: the timeout kills its process group with SIGKILL.
# safe without bubblewrap: it only uses its own folder, memory and CPU
# expect: timed out
import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
while True:
    pass
