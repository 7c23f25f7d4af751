# %% [markdown]
# # Autograd 과제 보고서
# 활성화 함수, 역전파, autograd, MNIST CNN 순서로 정리했습니다.

# %%
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset
from torchvision import datasets, transforms

# %% 1. 활성화 함수와 미분
def step(z):
    return np.sign(z)

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def tanh(z):
    return np.tanh(z)

def relu(z):
    return np.maximum(0, z)

def sigmoid_derivative(z):
    return sigmoid(z) * (1 - sigmoid(z))

def tanh_derivative(z):
    return 1 - np.tanh(z) ** 2

def relu_derivative(z):
    return np.where(z > 0, 1.0, 0.0)

def derivative(f, z, eps=1e-6):
    # 중앙 차분으로 수치 미분
    return (f(z + eps) - f(z - eps)) / (2 * eps)

z = np.linspace(-5, 5, 100)
fig, axes = plt.subplots(1, 3, figsize=(12, 3))
for ax, f, df in zip(axes, [sigmoid, tanh, relu], [sigmoid_derivative, tanh_derivative, relu_derivative]):
    ax.plot(z, f(z), label="f")
    ax.plot(z, df(z), label="analytic")
    ax.plot(z, derivative(f, z), "--", label="numerical")
    ax.legend()
plt.close(fig)

# %% 2-1. numpy로 직접 역전파 (N, D = 3, 4)
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
print(grad_x)
print(grad_y)
print(grad_z)

# %% 2-3. 같은 계산을 torch autograd로
x_t = torch.tensor(x, requires_grad=True)
y_t = torch.tensor(y, requires_grad=True)
z_t = torch.tensor(z, requires_grad=True)
a_t = x_t * y_t
b_t = a_t + z_t
c_t = torch.sum(b_t)
c_t.backward()
print(x_t.grad)
print(y_t.grad)
print(z_t.grad)

# %% 3. RNN 셀 한 스텝
x = torch.randn(1, 10, requires_grad=True)
prev_h = torch.randn(1, 20, requires_grad=True)
W_h = torch.randn(20, 20, requires_grad=True)
W_x = torch.randn(20, 10, requires_grad=True)

i2h = torch.mm(W_x, x.t())
h2h = torch.mm(W_h, prev_h.t())
next_h = torch.tanh(i2h + h2h)
loss = next_h.sum()
loss.backward()
print(next_h.shape, W_x.grad.shape, x.grad.shape)

# %% 4. 2층 신경망: numpy로 직접 역전파
N, D_in, H, D_out = 64, 1000, 100, 10
x = np.random.randn(N, D_in)
y = np.random.randn(N, D_out)
w1 = np.random.randn(D_in, H)
w2 = np.random.randn(H, D_out)

learning_rate = 1e-6
for t in range(50):
    h = x.dot(w1)
    h_relu = np.maximum(h, 0)
    y_pred = h_relu.dot(w2)
    loss = np.square(y_pred - y).sum()
    if t % 10 == 9:
        print(t, loss)
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.T.dot(grad_y_pred)
    grad_h_relu = grad_y_pred.dot(w2.T)
    grad_h = grad_h_relu.copy()
    grad_h[h < 0] = 0
    grad_w1 = x.T.dot(grad_h)
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2

# %% 4. 같은 신경망을 torch 텐서로 (autograd 없이)
dtype = torch.float
x = torch.randn(N, D_in, dtype=dtype)
y = torch.randn(N, D_out, dtype=dtype)
w1 = torch.randn(D_in, H, dtype=dtype)
w2 = torch.randn(H, D_out, dtype=dtype)

for t in range(200):  # 500번 대신 200번
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)
    loss = (y_pred - y).pow(2).sum().item()
    if t % 100 == 99:
        print(t, loss)
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h_relu = grad_y_pred.mm(w2.t())
    grad_h = grad_h_relu.clone()
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2

# %% 5. autograd 사용
w1 = torch.randn(D_in, H, requires_grad=True)
w2 = torch.randn(H, D_out, requires_grad=True)
for t in range(200):  # 500번 대신 200번
    y_pred = x.mm(w1).clamp(min=0).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()

# %% 6. 사용자 정의 autograd 함수
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input

w1 = torch.randn(D_in, H, requires_grad=True)
w2 = torch.randn(H, D_out, requires_grad=True)
for t in range(200):  # 500번 대신 200번
    relu_fn = MyReLU.apply
    y_pred = relu_fn(x.mm(w1)).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    loss.backward()
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
print("MyReLU loss", loss.item())

# %% 7. nn.Module + torch.optim
class TwoLayerNet(nn.Module):
    def __init__(self, D_in, H, D_out):
        super(TwoLayerNet, self).__init__()
        self.linear1 = nn.Linear(D_in, H)
        self.linear2 = nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        return self.linear2(h_relu)

model = TwoLayerNet(D_in, H, D_out)
criterion = nn.MSELoss(reduction="sum")
optimizer = optim.SGD(model.parameters(), lr=1e-4)
for t in range(200):  # 500번 대신 200번
    y_pred = model(x)
    loss = criterion(y_pred, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("module loss", loss.item())

# %% 8. DataLoader로 미니배치 학습
loader = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True)
model2 = TwoLayerNet(D_in, H, D_out)
optimizer2 = optim.SGD(model2.parameters(), lr=1e-2)
for epoch in range(20):
    for xb, yb in loader:
        loss = F.mse_loss(model2(xb), yb)
        optimizer2.zero_grad()
        loss.backward()
        optimizer2.step()
print("batch loss", loss.item())

# %% 9. MNIST CNN
transformation = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
train_dataset = datasets.MNIST("data/", train=True, transform=transformation, download=True)
test_dataset = datasets.MNIST("data/", train=False, transform=transformation, download=True)
train_loader = DataLoader(train_dataset, batch_size=32, shuffle=True)
test_loader = DataLoader(test_dataset, batch_size=32, shuffle=False)

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
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)

model = Net()
optimizer = optim.SGD(model.parameters(), lr=0.01)

def fit(epoch, model, data_loader, phase="training"):
    if phase == "training":
        model.train()
    else:
        model.eval()
    running_loss = 0.0
    running_correct = 0
    for data, target in data_loader:
        if phase == "training":
            optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        running_loss += F.nll_loss(output, target, reduction="sum").item()
        preds = output.data.max(dim=1, keepdim=True)[1]
        running_correct += preds.eq(target.data.view_as(preds)).sum().item()
        if phase == "training":
            loss.backward()
            optimizer.step()
    loss = running_loss / len(data_loader.dataset)
    accuracy = 100.0 * running_correct / len(data_loader.dataset)
    print(f"{phase} loss {loss:.4f} accuracy {accuracy:.2f}")
    return loss, accuracy

train_losses, val_losses = [], []
for epoch in range(1, 2):
    epoch_loss, epoch_accuracy = fit(epoch, model, train_loader, phase="training")
    val_epoch_loss, val_epoch_accuracy = fit(epoch, model, test_loader, phase="validation")
    train_losses.append(epoch_loss)
    val_losses.append(val_epoch_loss)

# %% 13. 합성곱 출력 크기와 파라미터 수
W, F_, S, P = 32, 5, 1, 2
side = (W - F_ + 2 * P) // S + 1
outputs_13_1 = side * side * 10
parameters_13_1 = (F_ * F_ * 3) * 10 + 10
side2 = (32 - 3 + 2 * 1) // 1 + 1
outputs_13_2 = side2 * side2 * 64
parameters_13_2 = (3 * 3 * 3) * 64 + 64
print(outputs_13_1, parameters_13_1, outputs_13_2, parameters_13_2)
