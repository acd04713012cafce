# Resolves a name and connects to a public address: no network inside the sandbox.
# expect: gaierror
import socket

socket.getaddrinfo("example.com", 443)
socket.create_connection(("1.1.1.1", 53), timeout=2)
