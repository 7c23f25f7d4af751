# %%
import torch
from torch.utils.data import TensorDataset, DataLoader

N, D_in, H, D_out = 64, 1000, 100, 10
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)

# %% 7. nn 패키지와 optim 패키지
model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
)
loss_fn = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
for t in range(500):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

# %% 8. DataLoader
dataset = TensorDataset(x, y)
loader = DataLoader(dataset, batch_size=8, shuffle=True)
model_b = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
)
opt_b = torch.optim.SGD(model_b.parameters(), lr=1e-2)
mse = torch.nn.MSELoss()
for epoch in range(20):
    for xb, yb in loader:
        pred = model_b(xb)
        loss = mse(pred, yb)
        opt_b.zero_grad()
        loss.backward()
        opt_b.step()
    print(epoch, loss.item())
