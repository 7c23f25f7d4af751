import torch

torch.manual_seed(7676)
x = torch.randn(100).sort().values
ϵ = torch.randn(100) * 0.5
y = 2.5 + 4 * x + ϵ

# (1)
X = torch.stack([torch.ones_like(x), x], axis=1)
y = y.reshape(-1, 1)
net = torch.nn.Linear(in_features=2, out_features=1, bias=False)
net.weight.data = torch.tensor([[-5.0, 10.0]])

# (2) 학습률 0.1
optimizr = torch.optim.SGD(net.parameters(), lr=0.1)
yhat = net(X)
loss = torch.mean((y - yhat) ** 2)
loss.backward()
grad_initial = net.weight.grad.clone()
optimizr.step()
optimizr.zero_grad()
w_after_1 = net.weight.data.clone()
print(grad_initial)
print(w_after_1)

# (3)
for epoc in range(4):
    loss = torch.mean((y - net(X)) ** 2)
    loss.backward()
    optimizr.step()
    optimizr.zero_grad()
w_after_5 = net.weight.data.clone()
print(w_after_5)

# (4)
optimizr2 = torch.optim.SGD(net.parameters(), lr=0.2)
for epoc in range(10):
    loss = torch.mean((y - net(X)) ** 2)
    loss.backward()
    optimizr2.step()
    optimizr2.zero_grad()
w_after_15 = net.weight.data.clone()
print(w_after_15)

# 3.
answers = {1: False, 2: True, 3: True, 4: True, 5: False, 6: True, 7: True, 8: False, 9: False, 10: True}
