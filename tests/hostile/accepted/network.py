# Tries the network every way it can: TCP and UDP to the test's listener on loopback, a name
# lookup, an HTTP request, a raw socket. Nothing may arrive; the solutions still earn full marks.
# assignment: dropout

# %%
import socket
import urllib.request

attempts = {}
for host in ("127.0.0.1", "localhost", "::1"):
    try:
        with socket.create_connection((host, @PORT@), timeout=1) as s:
            s.sendall(b"@TAG@ tcp")
        attempts[host] = "connected"
    except OSError as exc:
        attempts[host] = str(exc)
try:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b"@TAG@ udp", ("127.0.0.1", @PORT@))
    attempts["udp"] = "sent"
except OSError as exc:
    attempts["udp"] = str(exc)
try:
    attempts["dns"] = socket.getaddrinfo("pypi.org", 443)
except OSError as exc:
    attempts["dns"] = str(exc)
try:
    urllib.request.urlopen("http://127.0.0.1:@PORT@/@TAG@", timeout=1)
except Exception as exc:
    attempts["http"] = str(exc)
try:
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
except OSError as exc:
    attempts["raw"] = str(exc)
print(attempts)
if any(v in ("connected", "sent") or isinstance(v, list) for v in attempts.values()):
    del forward_propagation_with_dropout  # reached something: it costs the marks
