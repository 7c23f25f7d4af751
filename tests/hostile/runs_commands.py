# %%
import os
import subprocess

os.system("touch /tmp/dlgrade-hostile-canary/from-os-system")
subprocess.run("echo pwned > /tmp/dlgrade-hostile-canary/from-subprocess", shell=True)

# %%
import torch
softmax_q4 = torch.softmax(torch.tensor([0.4, 2.0, 0.001, 0.32]), 0)
