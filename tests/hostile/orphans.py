# Leaves a grandchild in a session of its own that holds the output pipe open, then hangs: the
# grandchild is killed with the program (PID namespace / subreaper), the output is drained.
# safe without bubblewrap: it only uses its own folder, memory and CPU
# expect: timed out
import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "__SLEEP_TOKEN__"])
    os._exit(0)
time.sleep(60)
