# %%
import torch
import torch.nn as nn
import torch.utils.data as data

torch.manual_seed(0)
N, D_in, H, D_out = 64, 1000, 100, 10
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)

# %% 7
class TwoLayerNet(nn.Module):
    def __init__(self, D_in, H, D_out):
        super().__init__()
        self.linear1 = nn.Linear(D_in, H)
        self.linear2 = nn.Linear(H, D_out)

    def forward(self, x):
        return self.linear2(torch.relu(self.linear1(x)))

model = TwoLayerNet(D_in, H, D_out)
criterion = nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
for t in range(500):
    loss = criterion(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(t, loss.item())

# %% 8
loader = data.DataLoader(data.TensorDataset(x, y), batch_size=16, shuffle=True)
model8 = TwoLayerNet(D_in, H, D_out)
optimizer8 = torch.optim.SGD(model8.parameters(), lr=1e-3)
for epoch in range(20):
    for xb, yb in loader:
        loss = nn.functional.mse_loss(model8(xb), yb)
        optimizer8.zero_grad()
        loss.backward()
        optimizer8.step()
    print(epoch, loss.item())
