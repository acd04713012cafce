# Writes into a host folder and deletes a host file: the root is read-only inside the sandbox.
# expect: Read-only file system
import os
from pathlib import Path

Path("__TARGET_DIR__", "written-by-sandbox").write_text("escaped")
os.remove("__VICTIM__")
