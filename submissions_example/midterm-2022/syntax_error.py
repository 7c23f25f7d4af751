# Midterm 2022 as a module. The regression cell has a syntax error (a missing colon), so
# only that cell is lost: the CAM functions and the true/false answers are still graded.
# %%
import torch


def cam(body, fc, x):
    return torch.einsum("ck,khw->chw", fc.weight, body(x)[0]).detach()


# %%
torch.manual_seed(7676)
x = torch.randn(100).sort().values
y = (2.5 + 4 * x + torch.randn(100) * 0.5).reshape(-1, 1)
X = torch.stack([torch.ones_like(x), x], axis=1)
net = torch.nn.Linear(2, 1, bias=False)
net.weight.data = torch.tensor([[-5.0, 10.0]])
optimizr = torch.optim.Adam(net.parameters(), lr=0.1)
for epoc in range(5)
    loss = torch.mean((y - net(X)) ** 2)
    loss.backward()
    optimizr.step()
    optimizr.zero_grad()

# %%
answers_q3 = "F, T, T, T, F, T, T, F, F, T"
