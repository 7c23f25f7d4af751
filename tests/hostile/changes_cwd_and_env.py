# %%
import os
os.chdir("/")
os.environ.clear()
os.environ["PATH"] = "/nonexistent"
os.environ["GRADE_DATA_DIR"] = "/tmp"

# %%
import torch
softmax_q4 = torch.softmax(torch.tensor([0.4, 2.0, 0.001, 0.32]), 0)
