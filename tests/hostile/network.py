# Connects to a server listening on the host's loopback, then to the outside world and DNS:
# the sandbox has a network namespace of its own with no interface up.
# expect: Connection refused
import socket

socket.create_connection(("127.0.0.1", int("__PORT__")), timeout=2).sendall(b"escaped")
