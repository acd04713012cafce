# Fills the private /tmp with many files below the size limit: the tmpfs has a size of its own.
# expect: No space left on device
chunk = b"x" * (1 << 20)
for index in range(100_000):
    with open(f"/tmp/fill-{index}", "wb") as fh:
        for _ in range(4):
            fh.write(chunk)
