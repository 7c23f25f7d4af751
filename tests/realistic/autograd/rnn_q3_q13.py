# %% [markdown]
# ## 3. RNN 한 스텝과 13. 합성곱 크기

# %%
import torch

x = torch.randn(1, 10)
prev_h = torch.randn(1, 20)
W_h = torch.randn(20, 20)
W_x = torch.randn(20, 10)
i2h = torch.mm(W_x, x.t())
h2h = torch.mm(W_h, prev_h.t())
next_h = i2h + h2h
next_h = next_h.tanh()
loss = next_h.sum()
print(next_h.size())

# %% requires_grad를 켜고 다시
x.requires_grad_(True)
prev_h.requires_grad_(True)
W_h.requires_grad_(True)
W_x.requires_grad_(True)
next_h = torch.tanh(torch.mm(W_x, x.t()) + torch.mm(W_h, prev_h.t()))
next_h.sum().backward()
print(x.grad, prev_h.grad, W_x.grad.shape, W_h.grad.shape)

# %% 13. 출력 크기 = (W - F + 2P)/S + 1
def output_size(W, F, S, P):
    return (W - F + 2 * P) / S + 1

def parameter_count(F, D, K):
    # 필터 하나당 F*F*D개의 가중치
    return F * F * D * K

outputs_13_1 = output_size(32, 5, 1, 2) ** 2 * 10
parameters_13_1 = parameter_count(5, 3, 10)
outputs_13_2 = output_size(32, 3, 1, 1) ** 2 * 64
parameters_13_2 = parameter_count(3, 3, 64)
print(outputs_13_1, parameters_13_1, outputs_13_2, parameters_13_2)
