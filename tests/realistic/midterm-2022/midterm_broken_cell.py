# %%
import torch

torch.manual_seed(7676)
x = torch.randn(100).sort().values
ϵ = torch.randn(100) * 0.5
y = 2.5 + 4 * x + ϵ
X = torch.stack([torch.ones_like(x), x], axis=1)
y = y.reshape(-1, 1)

# %% (1)
net = torch.nn.Linear(in_features=2, out_features=1, bias=False)
net.weight.data = torch.tensor([[-5.0, 10.0]])

# %% (2)
optimizr = torch.optim.adam(net.parameters(), lr=0.1)
yhat = net(X)
loss = torch.mean((y - yhat) ** 2)
loss.backward()
print(net.weight.grad)
optimizr.step()
optimizr.zero_grad()
print(net.weight.data)

# %% (3)
for epoc in range(4):
    yhat = net(X)
    loss = torch.mean((y - yhat) ** 2)
    loss.backward()
    optimizr.step()
    optimizr.zero_grad()
print(net.weight.data)

# %% (4)
optimizr2 = torch.optim.SGD(net.parameters(), lr=0.2)
for epoc in range(10):
    yhat = net(X)
    loss = torch.mean((y - yhat) ** 2)
    loss.backward()
    optimizr2.step()
    optimizr2.zero_grad()
print(net.weight.data)

# %% 3
answers_q3 = [True, True, True, True, False, True, True, False, False, True]
