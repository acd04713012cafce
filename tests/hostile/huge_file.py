# Writes a file without end: RLIMIT_FSIZE stops it (EFBIG; Python ignores SIGXFSZ) before it can fill a disk.
# safe without bubblewrap: it only uses its own folder, memory and CPU
# expect: File too large
chunk = b"x" * (1 << 20)
with open("huge.bin", "wb") as fh:
    while True:
        fh.write(chunk)
        fh.flush()
