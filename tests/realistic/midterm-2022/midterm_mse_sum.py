# %%
import torch
import torch.nn as nn

torch.manual_seed(7676)
x = torch.randn(100).sort().values
e = torch.randn(100) * 0.5
y = 2.5 + 4 * x + e

# %% 2-1
X = torch.stack([torch.ones_like(x), x], axis=1)
y = y.reshape(-1, 1)
net = nn.Linear(in_features=2, out_features=1, bias=False)
with torch.no_grad():
    net.weight.copy_(torch.tensor([[-5.0, 10.0]]))

# %% 2-2
optimizr = torch.optim.Adam(net.parameters(), lr=0.1)

def one_step(opt):
    yhat = net(X)
    loss = torch.sum((y - yhat) ** 2)
    loss.backward()
    g = net.weight.grad.clone()
    opt.step()
    opt.zero_grad()
    return g

gradient = one_step(optimizr)
weights_1 = net.weight.data.clone()
print(gradient, weights_1)

# %% 2-3
for _ in range(4):
    one_step(optimizr)
weights_5 = net.weight.data.clone()
print(weights_5)

# %% 2-4
optimizr2 = torch.optim.SGD(net.parameters(), lr=0.2)
for _ in range(10):
    g = one_step(optimizr2)
weights_15 = net.weight.data.clone()
print(weights_15, g)

# %% 3
tf_answers = [False, True, True, True, False, True, True, False, False, True]
