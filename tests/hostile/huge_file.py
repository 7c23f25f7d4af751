# %%
chunk = b"x" * (1 << 20)
with open("big.bin", "wb") as f:
    for _ in range(100_000):  # 100 GB
        f.write(chunk)

# %%
import torch
softmax_q4 = torch.softmax(torch.tensor([0.4, 2.0, 0.001, 0.32]), 0)
