"""Reference solution of midterm-2022 (course document 004_9a791aa2db86529a.txt).

Question 1 crawls images and fine-tunes a pretrained resnet34, which needs the
internet: (1)-(3) are left to the TA, and (4), class activation mapping, is
graded offline on a small model and image the grader builds:
- `cam(body, fc, x)`: the class activation maps of image batch x (one image),
  fc.weight (classes x K) applied to the K feature maps body(x)[0] -> (classes, h, w);
- `normalise_cam(maps)`: each map scaled to [0, 1] (min to 0, max to 1).

Question 2 fits y = w0 + w1 x with torch.manual_seed(7676) data, a bias-free
Linear(2, 1) on X = [1, x] starting from (w0, w1) = (-5, 10) and the mean
squared error: `grad_initial` is the gradient there, `w_after_1` and
`w_after_5` the weights after 1 and 5 Adam steps (lr 0.1), `w_after_15` after
10 more SGD steps (lr 0.2), and `grad_final` the gradient of the last update.

Question 3's answers, in order, with the reason for each:
 1. False: the model is fed X[0].reshape(1, 3, 28, 28), three channels, so the
    MNIST images are stored as colour images (n, 3, 28, 28).
 2. True: two outputs per image, unnormalised, is what CrossEntropyLoss expects.
 3. True: cnn_learner with a resnet34 architecture fine-tunes pretrained weights.
 4. True: the output lives on cuda:0, so both the model and X[0] were on the GPU.
 5. False: softmax of (3.4148, -5.0356) is about (0.9998, 0.0002), near (1, 0).
 6. True: Linear(1, 1, bias=True) has one weight and one bias.
 7. True: Linear(4, 1, bias=False) and Conv2d(1, 1, (2, 2), bias=False) each have 4.
 8. False: two Linear layers without an activation between them compose to a
    single affine map, whatever K is.
 9. False: Dropout(0.9) zeroes 90% of its inputs, not 10%.
10. True: with a sigmoid of a linear predictor, binary cross-entropy is the
    logistic regression negative log-likelihood, convex in (w0, w1).
"""

# %%
import torch


# %% q1.4: class activation mapping
def cam(body, fc, x):
    """Class activation maps: the classifier's weights applied to the feature maps."""
    features = body(x)[0]
    return torch.einsum("ck,khw->chw", fc.weight, features).detach()


def normalise_cam(maps):
    """Each map scaled so that its minimum is 0 and its maximum 1."""
    flat = maps.reshape(maps.shape[0], -1)
    low = flat.min(dim=1).values.reshape(-1, 1, 1)
    high = flat.max(dim=1).values.reshape(-1, 1, 1)
    return (maps - low) / (high - low)


# %% q2: the data and the network with weights (-5, 10)
torch.manual_seed(7676)
x = torch.randn(100).sort().values
ϵ = torch.randn(100) * 0.5
y = 2.5 + 4 * x + ϵ
X = torch.stack([torch.ones_like(x), x], axis=1)
y = y.reshape(-1, 1)
net = torch.nn.Linear(in_features=2, out_features=1, bias=False)
net.weight.data = torch.tensor([[-5.0, 10.0]])
yhat_initial = net(X).detach()


def update(optimizer):
    """One step: the MSE loss, its gradient, the optimizer's update. Returns the gradient."""
    yhat = net(X)
    loss = torch.mean((y - yhat) ** 2)
    loss.backward()
    gradient = net.weight.grad.clone()
    optimizer.step()
    optimizer.zero_grad()
    return gradient


# %% q2.2: the gradient at (-5, 10) and one Adam step
optimizr = torch.optim.Adam(net.parameters(), lr=0.1)
grad_initial = update(optimizr)
w_after_1 = net.weight.data.clone()
print("gradient at (-5, 10):", grad_initial)
print("after 1 Adam step:", w_after_1)

# %% q2.3: five Adam steps in all
for _ in range(4):
    update(optimizr)
w_after_5 = net.weight.data.clone()
print("after 5 Adam steps:", w_after_5)

# %% q2.4: ten more SGD steps with lr 0.2
optimizr2 = torch.optim.SGD(net.parameters(), lr=0.2)
for _ in range(10):
    grad_final = update(optimizr2)
w_after_15 = net.weight.data.clone()
print("after 10 more SGD steps:", w_after_15)
print("gradient of the last update:", grad_final)

# %% q3: true or false
answers_q3 = [False, True, True, True, False, True, True, False, False, True]
