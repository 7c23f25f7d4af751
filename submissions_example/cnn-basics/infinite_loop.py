# cnn-basics homework whose "training" loop never ends (the counter is never
# increased). The cell is stopped at the time limit; the cells after it still run.

# %%
import torch

# %% a training loop that forgets to count its epochs
epoch = 0
while epoch < 2:
    pass

# %% Q4
x = torch.tensor([0.4, 2.0, 0.001, 0.32])
probabilities = torch.exp(x) / torch.sum(torch.exp(x))
print(probabilities)

# %% Q5
o = torch.tensor([0.001, 0.9, 0.001, 0.098])
y = torch.tensor([0.0, 0.0, 0.0, 1.0])
mse = ((o - y) ** 2).mean()
print("MSE:", mse.item())
