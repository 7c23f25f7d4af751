# %%
import os
import shutil

for path in ["/tmp/dlgrade-hostile-canary/written", os.path.expanduser("~/../written"),
             "../written", "/dev/shm/written"]:
    try:
        with open(path, "w") as f:
            f.write("escaped")
    except OSError:
        pass

# %%
shutil.rmtree("/tmp/dlgrade-hostile-canary")

# %%
os.remove("/tmp/dlgrade-hostile-canary/keep.txt")

# %%
import torch
softmax_q4 = torch.softmax(torch.tensor([0.4, 2.0, 0.001, 0.32]), 0)
