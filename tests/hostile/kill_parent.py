# Kills its parent (the supervisor) and the sandbox's init, then pretends to succeed: as root the
# program has a uid of its own and cannot signal them (PermissionError); in a user namespace it can
# kill the supervisor, and the host reports the run as failed and starts a fresh one.
# expect: PermissionError | supervisor died
import os
import signal

os.kill(os.getppid(), signal.SIGKILL)
os.kill(1, signal.SIGKILL)
