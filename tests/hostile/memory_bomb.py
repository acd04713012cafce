# Allocates memory without end: RLIMIT_AS turns it into a MemoryError.
# safe without bubblewrap: it only uses its own folder, memory and CPU
# expect: MemoryError
hoard = []
while True:
    hoard.append(bytearray(64 << 20))
