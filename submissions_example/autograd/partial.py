# Autograd homework, written as a script the way the report does it.
# %%
import matplotlib
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

matplotlib.use("Agg")


# %% 1: activation functions
def logit(z):
    return 1 / (1 + np.exp(-z))


def relu(z):
    return np.maximum(0, z)


def derivative(f, z, eps=0.000001):
    return (f(z + eps) - f(z - eps)) / (2 * eps)


z = np.linspace(-5, 5, 200)
curves = {"step": np.sign(z), "sigmoid": logit(z), "tanh": np.tanh(z), "relu": relu(z)}

# %% 2-1: backprop by hand
np.random.seed(0)
N, D = 3, 4
x = np.random.randn(N, D)
y = np.random.randn(N, D)
z = np.random.randn(N, D)
a = x * y
b = a + z
c = np.sum(b)
grad_c = 1.0
grad_b = grad_c * np.ones((N, D))
grad_a = grad_b.copy()
grad_z = grad_b.copy()
grad_x = grad_a * y
grad_y = grad_a * x
print("grad_x:", grad_x, "\ngrad_y:", grad_y)


# %% 2-3: with autograd (returns the gradients in the wrong order)
def backprop_torch(x, y, z):
    x, y, z = (v.clone().requires_grad_(True) for v in (x, y, z))
    torch.sum(x * y + z).backward()
    return y.grad, x.grad, z.grad


# %% 3: one RNN step
def rnn_step(x, prev_h, w_x, w_h):
    return torch.mm(w_x, x.t()).add(torch.mm(w_h, prev_h.t())).tanh()


# %% 4: backprop by hand in torch (the factor 2 of the squared error is missing)
def two_layer_torch(x, y, w1, w2):
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)
    loss = (y_pred - y).pow(2).sum()
    grad_y_pred = y_pred - y
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h = grad_y_pred.mm(w2.t())
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)
    return loss, grad_w1, grad_w2


def train_two_layer_torch(x, y, w1, w2, learning_rate, steps):
    losses = []
    for t in range(steps):
        loss, grad_w1, grad_w2 = two_layer_torch(x, y, w1, w2)
        losses.append(loss.item())
        w1 = w1 - learning_rate * grad_w1
        w2 = w2 - learning_rate * grad_w2
    return losses


# %% 5: autograd
def two_layer_autograd(x, y, w1, w2):
    w1 = w1.clone().requires_grad_(True)
    w2 = w2.clone().requires_grad_(True)
    loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
    loss.backward()
    return loss.item(), w1.grad, w2.grad


# %% 6: MyReLU (the backward pass zeroes the wrong side)
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        grad_x = grad_output.clone()
        grad_x[x > 0] = 0
        return grad_x


# %% 7: nn.Module and SGD
class TwoLayerNet(nn.Module):
    def __init__(self, D_in, H, D_out):
        super().__init__()
        self.linear1 = nn.Linear(D_in, H)
        self.linear2 = nn.Linear(H, D_out)

    def forward(self, x):
        return self.linear2(self.linear1(x).clamp(min=0))


N, D_in, H, D_out = 64, 1000, 100, 10
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)
model = TwoLayerNet(D_in, H, D_out)
loss_fn = nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
k = []
for t in range(500):
    loss = loss_fn(model(x), y)
    k.append(loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


# %% 9: the MNIST CNN (not trained: no time left)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 320)
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)


net = Net()
print(net(torch.randn(32, 1, 28, 28)).size())


# %% 11: forward pass with sigmoid units
def mlp_forward_sigmoid(u, x):
    z = np.append(1.0, x)
    for layer in u:
        z = np.append(1.0, logit(np.dot(layer, z)))
    return z[1:]


# %% 13: output sizes (true division: a stride that does not fit gives a fraction)
def conv_output_size(w, f, stride, padding):
    return (w - f + 2 * padding) / stride + 1


print("13.1:", int(conv_output_size(32, 5, 1, 2)) ** 2 * 10, "outputs,", 5 * 5 * 3 * 10 + 10)
print("13.2:", int(conv_output_size(32, 3, 1, 1)) ** 2 * 64, "outputs,", 3 * 3 * 3 * 64 + 64)
