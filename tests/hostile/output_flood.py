# Writes to stdout without end: the output kept is capped, the program is stopped at the timeout.
# safe without bubblewrap: it only uses its own folder, memory and CPU
# expect: timed out
import sys

while True:
    sys.stdout.write("y" * 65536)
