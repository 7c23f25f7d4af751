"""Reference solution of autograd (course document 001_5942d75404df06e0.txt).

A student's report on an autograd homework. Each question gets functions the
grader calls on its own inputs, plus the document's own computations at top
level (seed 0 for question 2, the MNIST training of question 9).

Interface (what a submission defines; names are hints, behaviour is graded):
- q1   `step`, `sigmoid`, `tanh`, `relu` on arrays or tensors; their analytic
       derivatives `step_derivative`, `sigmoid_derivative`, `tanh_derivative`,
       `relu_derivative`; and `derivative(f, z, eps=1e-6)`, the central difference.
- q2.1 `backprop_numpy(x, y, z)`: gradients of c = sum(x*y + z) by x, y, z, by hand.
- q2.3 `backprop_torch(x, y, z)`: the same gradients from torch autograd.
- q3   `rnn_step(x, prev_h, w_x, w_h)`: next_h = tanh(w_x x^T + w_h prev_h^T), and
       `rnn_step_grads(...)`: gradients of next_h.sum() by x, prev_h, w_x, w_h.
- q4-q6 the two-layer ReLU net y_pred = relu(x w1) w2 with loss sum((y_pred - y)^2):
       `two_layer_numpy`, `two_layer_torch` (manual backprop), `two_layer_autograd`,
       `two_layer_myrelu` (with the custom Function `MyReLU`), each
       `(x, y, w1, w2) -> (loss, grad_w1, grad_w2)`; and for each a
       `train_two_layer_*(x, y, w1, w2, learning_rate, steps)` returning the loss
       before every gradient-descent step.
- q7, q8 `TwoLayerNet(D_in, H, D_out)` trained with torch.optim.SGD (lr 1e-4 on
       the whole batch; lr 1e-2 through a DataLoader of batch size 8).
- q9   `Net`, the MNIST CNN, and `fit(epoch, model, data_loader, phase)`.
- q11  `mlp_forward_sigmoid(u, x)` and `mlp_forward_relu(u, x)`: u[l][j] holds
       unit j's weights of layer l as (bias, w_1, w_2, ...); x excludes the bias
       input. `squared_error(output, target)` is the document's "MSE".
- q13  `conv_output_size(w, f, stride, padding)` and `conv_parameters(f, depth, filters)`.

Assumptions where the OCR'd text leaves room:
- The step function is np.sign, as the document plots it; the Heaviside step
  (0 below zero, 1 above) is accepted as a convention.
- q11: the document's weight array is garbled, so its printed numbers
  (0.7202, 0.6081) cannot be reproduced; the forward functions are graded on
  grader-chosen weights. Its loss is the sum of squared errors it computes.
- q9 trains for one epoch (SGD, lr 0.01, batch 32), enough to calibrate the
  accuracy threshold on two CPU cores; the document's epoch count is not legible.
- q10, q12 and q14 are not legible in the document and are left to the TA.
"""

# %%
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset
from torchvision import datasets, transforms


# %% q1: activation functions and their derivatives
def step(z):
    """The step activation as the document draws it: -1, 0 or 1."""
    return np.sign(z)


def heaviside(z):
    """The other common step activation: 0 below zero, 1 from zero on."""
    return (np.asarray(z) >= 0).astype(float)


def sigmoid(z):
    """The logistic sigmoid 1 / (1 + e^-z)."""
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def tanh(z):
    """The hyperbolic tangent."""
    return np.tanh(np.asarray(z, dtype=float))


def relu(z):
    """max(0, z)."""
    return np.maximum(0, np.asarray(z, dtype=float))


def step_derivative(z):
    """Zero everywhere (undefined at 0, where 0 is returned)."""
    return np.zeros_like(np.asarray(z, dtype=float))


def sigmoid_derivative(z):
    """s(z) (1 - s(z))."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh_derivative(z):
    """1 - tanh(z)^2."""
    return 1 - tanh(z) ** 2


def relu_derivative(z):
    """1 where z > 0, else 0."""
    return (np.asarray(z, dtype=float) > 0).astype(float)


def derivative(f, z, eps=0.000001):
    """The central difference (f(z + eps) - f(z - eps)) / 2 eps."""
    return (f(z + eps) - f(z - eps)) / (2 * eps)


z = np.linspace(-5, 5, 200)
numerical_sigmoid_derivative = derivative(sigmoid, z)


# %% q2.1: backprop through a = x*y, b = a + z, c = sum(b), by hand
def backprop_numpy(x, y, z):
    """Gradients of c = sum(x*y + z) by x, y and z, by the chain rule."""
    x, y, z = (np.asarray(v, dtype=float) for v in (x, y, z))
    a = x * y
    b = a + z
    grad_c = 1.0
    grad_b = grad_c * np.ones_like(b)
    grad_a = grad_b.copy()
    grad_z = grad_b.copy()
    grad_x = grad_a * y
    grad_y = grad_a * x
    return grad_x, grad_y, grad_z


def backprop_reference(x, y, z):
    """The same gradients from torch autograd, in double precision (the grader's yardstick)."""
    x, y, z = (
        torch.as_tensor(np.asarray(v, dtype=float)).clone().requires_grad_(True) for v in (x, y, z)
    )
    (x * y + z).sum().backward()
    return x.grad, y.grad, z.grad


np.random.seed(0)
N, D = 3, 4
x_seed0 = np.random.randn(N, D)
y_seed0 = np.random.randn(N, D)
z_seed0 = np.random.randn(N, D)
grad_x, grad_y, grad_z = backprop_numpy(x_seed0, y_seed0, z_seed0)
print("grad_x:", grad_x)
print("grad_y:", grad_y)


# %% q2.3: the same with torch autograd
def backprop_torch(x, y, z):
    """Gradients of c = sum(x*y + z) from autograd."""
    x, y, z = (torch.as_tensor(v).detach().clone().requires_grad_(True) for v in (x, y, z))
    a = x * y
    b = a + z
    c = torch.sum(b)
    c.backward()
    return x.grad, y.grad, z.grad


torch_grads = backprop_torch(
    torch.from_numpy(x_seed0), torch.from_numpy(y_seed0), torch.from_numpy(z_seed0)
)


# %% q3: one RNN cell step
def rnn_step(x, prev_h, w_x, w_h):
    """next_h = tanh(w_x x^T + w_h prev_h^T), a column of hidden units."""
    i2h = torch.mm(w_x, x.t())
    h2h = torch.mm(w_h, prev_h.t())
    return torch.tanh(i2h + h2h)


def rnn_step_grads(x, prev_h, w_x, w_h):
    """Gradients of loss = next_h.sum() by x, prev_h, w_x and w_h."""
    leaves = [v.detach().clone().requires_grad_(True) for v in (x, prev_h, w_x, w_h)]
    rnn_step(*leaves).sum().backward()
    return tuple(v.grad for v in leaves)


# %% q4: the two-layer ReLU net, backprop by hand in numpy and in torch
def two_layer_numpy(x, y, w1, w2):
    """Loss sum((relu(x w1) w2 - y)^2) and its gradients by w1 and w2, in numpy."""
    x, y, w1, w2 = (np.asarray(v, dtype=float) for v in (x, y, w1, w2))
    h = x.dot(w1)
    h_relu = np.maximum(h, 0)
    y_pred = h_relu.dot(w2)
    loss = np.square(y_pred - y).sum()
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.T.dot(grad_y_pred)
    grad_h = grad_y_pred.dot(w2.T)
    grad_h[h < 0] = 0
    grad_w1 = x.T.dot(grad_h)
    return loss, grad_w1, grad_w2


def two_layer_torch(x, y, w1, w2):
    """The same loss and gradients with torch tensors, without autograd."""
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)
    loss = (y_pred - y).pow(2).sum()
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h = grad_y_pred.mm(w2.t())
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)
    return loss, grad_w1, grad_w2


def _descend(gradients, x, y, w1, w2, learning_rate, steps):
    """Losses before each of `steps` gradient-descent steps on w1 and w2."""
    losses = []
    for _ in range(steps):
        loss, grad_w1, grad_w2 = gradients(x, y, w1, w2)
        losses.append(float(loss))
        w1 = w1 - learning_rate * grad_w1
        w2 = w2 - learning_rate * grad_w2
    return losses


def train_two_layer_numpy(x, y, w1, w2, learning_rate, steps):
    """Gradient descent with `two_layer_numpy`: the loss before every step."""
    x, y, w1, w2 = (np.asarray(v, dtype=float) for v in (x, y, w1, w2))
    return _descend(two_layer_numpy, x, y, w1, w2, learning_rate, steps)


def train_two_layer_torch(x, y, w1, w2, learning_rate, steps):
    """Gradient descent with `two_layer_torch`: the loss before every step."""
    return _descend(two_layer_torch, x, y, w1, w2, learning_rate, steps)


N, D_in, H, D_out = 64, 1000, 100, 10
torch.manual_seed(0)
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)
w1 = torch.randn(D_in, H)
w2 = torch.randn(H, D_out)
losses_manual = train_two_layer_torch(x, y, w1, w2, 1e-6, 500)
print("manual backprop: loss", losses_manual[0], "->", losses_manual[-1])


# %% q5: the same net with autograd
def two_layer_autograd(x, y, w1, w2):
    """The loss and its gradients by w1 and w2 from autograd."""
    w1 = w1.detach().clone().requires_grad_(True)
    w2 = w2.detach().clone().requires_grad_(True)
    loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
    loss.backward()
    return loss.detach(), w1.grad, w2.grad


def train_two_layer_autograd(x, y, w1, w2, learning_rate, steps):
    """Gradient descent with autograd: the loss before every step."""
    w1 = w1.detach().clone().requires_grad_(True)
    w2 = w2.detach().clone().requires_grad_(True)
    losses = []
    for _ in range(steps):
        loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w1 -= learning_rate * w1.grad
            w2 -= learning_rate * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return losses


losses_autograd = train_two_layer_autograd(x, y, w1, w2, 1e-6, 500)


# %% q6: a custom autograd Function for ReLU
class MyReLU(torch.autograd.Function):
    """ReLU with a hand-written backward pass."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        grad_x = grad_output.clone()
        grad_x[x < 0] = 0
        return grad_x


def two_layer_myrelu(x, y, w1, w2):
    """The loss and its gradients by w1 and w2, with MyReLU as the activation."""
    w1 = w1.detach().clone().requires_grad_(True)
    w2 = w2.detach().clone().requires_grad_(True)
    loss = (MyReLU.apply(x.mm(w1)).mm(w2) - y).pow(2).sum()
    loss.backward()
    return loss.detach(), w1.grad, w2.grad


def train_two_layer_myrelu(x, y, w1, w2, learning_rate, steps):
    """Gradient descent with MyReLU: the loss before every step."""
    return _descend(two_layer_myrelu, x, y, w1, w2, learning_rate, steps)


losses_myrelu = train_two_layer_myrelu(x, y, w1, w2, 1e-6, 500)


# %% q7: nn.Module and torch.optim
class TwoLayerNet(nn.Module):
    """Linear(D_in, H) -> ReLU -> Linear(H, D_out)."""

    def __init__(self, D_in, H, D_out):
        super().__init__()
        self.linear1 = nn.Linear(D_in, H)
        self.linear2 = nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        return self.linear2(h_relu)


torch.manual_seed(0)
model = TwoLayerNet(D_in, H, D_out)
loss_fn = nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
losses_module = []
for _ in range(500):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    losses_module.append(loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("nn.Module + SGD: loss", losses_module[0], "->", losses_module[-1])

# %% q8: a DataLoader of mini-batches
loader = DataLoader(TensorDataset(x, y), batch_size=8)
model_batches = TwoLayerNet(D_in, H, D_out)
optimizer_batches = torch.optim.SGD(model_batches.parameters(), lr=1e-2)
losses_batches = []
for _ in range(20):
    for x_batch, y_batch in loader:
        loss = F.mse_loss(model_batches(x_batch), y_batch)
        loss.backward()
        optimizer_batches.step()
        optimizer_batches.zero_grad()
    losses_batches.append(loss.item())


# %% q9: the MNIST CNN and its fit() loop
class Net(nn.Module):
    """conv(1->10, k5) -> pool -> relu -> conv(10->20, k5) -> Dropout2d -> pool -> relu
    -> fc(320->50) -> relu -> dropout -> fc(50->10) -> log_softmax."""

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
        x = F.dropout(x, p=0.1, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


torch.manual_seed(0)
cnn = Net()
cnn_optimizer = optim.SGD(cnn.parameters(), lr=0.01)
sample_output = cnn(torch.randn(32, 1, 28, 28))
print(sample_output.size())


def fit(epoch, model, data_loader, phase="training"):
    """One pass over `data_loader`, training or validating: (mean loss, accuracy in %)."""
    model.train(phase == "training")
    running_loss, running_correct, seen = 0.0, 0, 0
    for data, target in data_loader:
        if phase == "training":
            cnn_optimizer.zero_grad()
        with torch.set_grad_enabled(phase == "training"):
            output = model(data)
            loss = F.nll_loss(output, target)
        running_loss += loss.item() * len(target)
        running_correct += (output.argmax(dim=1) == target).sum().item()
        seen += len(target)
        if phase == "training":
            loss.backward()
            cnn_optimizer.step()
    loss = running_loss / max(seen, 1)
    accuracy = 100.0 * running_correct / max(seen, 1)
    print(f"epoch {epoch}: {phase} loss {loss:.4f}, accuracy {accuracy:.2f}%")
    return loss, accuracy


transformation = transforms.Compose(
    [transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]
)
train_dataset = datasets.MNIST("data/", train=True, transform=transformation, download=True)
test_dataset = datasets.MNIST("data/", train=False, transform=transformation, download=True)
train_loader = DataLoader(train_dataset, batch_size=32, shuffle=True)
test_loader = DataLoader(test_dataset, batch_size=32, shuffle=False)
train_losses, train_accuracy = [], []
for epoch in range(1, 2):
    epoch_loss, epoch_accuracy = fit(epoch, cnn, train_loader, phase="training")
    train_losses.append(epoch_loss)
    train_accuracy.append(epoch_accuracy)


# %% q11: forward pass of a small MLP with given weights
def _mlp_forward(u, x, activation):
    values = np.asarray(x, dtype=float)
    for layer in u:
        weights = np.asarray(layer, dtype=float)
        values = activation(weights[:, 0] + weights[:, 1:].dot(values))
    return values


def mlp_forward_sigmoid(u, x):
    """Outputs of the MLP with weights u (rows: bias, then input weights), sigmoid units."""
    return _mlp_forward(u, x, sigmoid)


def mlp_forward_relu(u, x):
    """The same MLP with ReLU units."""
    return _mlp_forward(u, x, relu)


def squared_error(output, target):
    """The document's loss: the sum of squared differences."""
    output, target = np.asarray(output, dtype=float), np.asarray(target, dtype=float)
    return np.sum((target - output) ** 2)


def mean_squared_error(output, target):
    """The mean of squared differences (accepted as a convention)."""
    output, target = np.asarray(output, dtype=float), np.asarray(target, dtype=float)
    return np.mean((target - output) ** 2)


# %% q13: convolution output sizes and parameter counts
def conv_output_size(w, f, stride, padding):
    """(W - F + 2P) / S + 1, the width of a convolution's output."""
    return (w - f + 2 * padding) // stride + 1


def conv_parameters(f, depth, filters):
    """Weights and biases of `filters` filters of size f x f x depth."""
    return (f * f * depth) * filters + filters


side_13_1 = conv_output_size(32, 5, 1, 2)
outputs_13_1 = side_13_1 * side_13_1 * 10
parameters_13_1 = conv_parameters(5, 3, 10)
side_13_2 = conv_output_size(32, 3, 1, 1)
outputs_13_2 = side_13_2 * side_13_2 * 64
parameters_13_2 = conv_parameters(3, 3, 64)
print(f"13.1: {side_13_1}x{side_13_1}x10 = {outputs_13_1} outputs, {parameters_13_1} parameters")
print(f"13.2: {side_13_2}x{side_13_2}x64 = {outputs_13_2} outputs, {parameters_13_2} parameters")
