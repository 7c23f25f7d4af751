# %%
import numpy as np
import torch

N, D_in, H, D_out = 64, 1000, 100, 10

# %% numpy 구현
x = np.random.randn(N, D_in)
y = np.random.randn(N, D_out)
w1 = np.random.randn(D_in, H)
w2 = np.random.randn(H, D_out)
lr = 1e-6

for it in range(50):
    h = x @ w1
    h_relu = np.maximum(h, 0)
    y_pred = h_relu @ w2
    loss = ((y_pred - y) ** 2).sum()
    if it % 10 == 0:
        print(it, loss)
    dy = 2 * (y_pred - y)
    dw2 = h_relu.T @ dy
    dh = dy @ w2.T
    dh[h > 0] = 0          # ReLU 미분
    dw1 = x.T @ dh
    w1 -= lr * dw1
    w2 -= lr * dw2

# %% torch 구현
xt = torch.randn(N, D_in)
yt = torch.randn(N, D_out)
w1t = torch.randn(D_in, H)
w2t = torch.randn(H, D_out)
for it in range(300):
    h = xt.mm(w1t)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2t)
    loss = (y_pred - yt).pow(2).sum()
    if it % 50 == 0:
        print(it, loss.item())
    dy = 2 * (y_pred - yt)
    dw2 = h_relu.t().mm(dy)
    dh = dy.mm(w2t.t())
    dh[h < 0] = 0
    dw1 = xt.t().mm(dh)
    w1t -= lr * dw1
    w2t -= lr * dw2
