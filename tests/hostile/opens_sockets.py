# %%
import socket
import urllib.request

PORT = 47813  # the test listens here on 127.0.0.1
for address in [("127.0.0.1", PORT), ("8.8.8.8", 53), ("1.1.1.1", 443)]:
    s = socket.socket()
    s.settimeout(2)
    s.connect(address)

# %%
urllib.request.urlopen("http://example.com", timeout=2).read()

# %%
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"leak", ("127.0.0.1", 47813))
