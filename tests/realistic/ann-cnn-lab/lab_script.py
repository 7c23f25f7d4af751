# %% [markdown]
# # 인공신경망 실습 (퍼셉트론, XOR, 교차 엔트로피, MNIST MLP, 합성곱 출력 크기)

# %%
import random
import numpy as np
import torch
import torch.nn as nn
import torchvision.datasets as dsets
import torchvision.transforms as transforms
from torch.utils.data import DataLoader

device = 'cuda' if torch.cuda.is_available() else 'cpu'
torch.manual_seed(777)

# %% 퍼셉트론으로 OR 구현: w = (-0.5, 1, 1)
w = [-0.5, 1, 1]
inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
for x1, x2 in inputs:
    s = w[0] + w[1] * x1 + w[2] * x2
    y = 1 if s >= 0 else -1
    print(f"x=({x1},{x2})  s={s}  tau(s)={y}")

# %% 단층 퍼셉트론으로 XOR
X = torch.FloatTensor([[0, 0], [0, 1], [1, 0], [1, 1]]).to(device)
Y = torch.FloatTensor([[0], [1], [1], [0]]).to(device)
linear = nn.Linear(2, 1, bias=True)
sigmoid = nn.Sigmoid()
model = nn.Sequential(linear, sigmoid).to(device)
criterion = torch.nn.BCELoss().to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=1)
for step in range(2001):
    optimizer.zero_grad()
    hypothesis = model(X)
    cost = criterion(hypothesis, Y)
    cost.backward()
    optimizer.step()
    if step % 1000 == 0:
        print(step, cost.item())

# %%
with torch.no_grad():
    hypothesis = model(X)
    predicted = (hypothesis > 0.5).float()
    accuracy = (predicted == Y).float().mean()
    print('모델의 출력값(Hypothesis): ', hypothesis.detach().cpu().numpy())
    print('정확도(Accuracy): ', accuracy.item())

# %% 다층 퍼셉트론으로 XOR
model = nn.Sequential(
    nn.Linear(2, 10, bias=True), nn.Sigmoid(),
    nn.Linear(10, 10, bias=True), nn.Sigmoid(),
    nn.Linear(10, 10, bias=True), nn.Sigmoid(),
    nn.Linear(10, 1, bias=True), nn.Sigmoid(),
).to(device)
criterion = torch.nn.BCELoss().to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=1)
for epoch in range(10001):
    optimizer.zero_grad()
    hypothesis = model(X)
    cost = criterion(hypothesis, Y)
    cost.backward()
    optimizer.step()
    if epoch % 2000 == 0:
        print(epoch, cost.item())

with torch.no_grad():
    hypothesis = model(X)
    predicted = (hypothesis > 0.5).float()
    print(predicted.squeeze(), (predicted == Y).float().mean().item())

# %% 교차 엔트로피
# 예제: 정답 클래스 1, 출력 (0.7, 0.2, 0.1)
print("log10:", -np.log10(0.7), " ln:", -np.log(0.7))
# 표의 세 샘플
p = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]])
q = np.array([[0.1, 0.3, 0.6], [0.2, 0.6, 0.2], [0.3, 0.4, 0.3]])
each = -np.sum(p * np.log(q), axis=1)
print(each, each.mean())

# %% MNIST 다층 퍼셉트론
mnist_train = dsets.MNIST(root='MNIST_data/', train=True, transform=transforms.ToTensor(), download=True)
mnist_test = dsets.MNIST(root='MNIST_data/', train=False, transform=transforms.ToTensor(), download=True)
linear = nn.Sequential()
linear.add_module('fc1', nn.Linear(28 * 28 * 1, 100))
linear.add_module('relu1', nn.ReLU())
linear.add_module('fc2', nn.Linear(100, 100))
linear.add_module('relu2', nn.ReLU())
linear.add_module('fc3', nn.Linear(100, 10))
training_epochs = 1
batch_size = 100
criterion = nn.CrossEntropyLoss().to(device)
optimizer = torch.optim.SGD(linear.parameters(), lr=0.1)
data_loader = DataLoader(dataset=mnist_train, batch_size=batch_size, shuffle=True, drop_last=True)

# %%
for epoch in range(training_epochs):
    avg_cost = 0
    total_batch = len(data_loader)
    for X, Y in data_loader:
        X = X.view(-1, 28 * 28).to(device)
        Y = Y.to(device)
        optimizer.zero_grad()
        hypothesis = linear(X)
        cost = criterion(hypothesis, Y)
        cost.backward()
        optimizer.step()
        avg_cost += cost / total_batch
    print('Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(avg_cost))

# %%
with torch.no_grad():
    X_test = mnist_test.test_data.view(-1, 28 * 28).float().to(device) / 255.
    Y_test = mnist_test.test_labels.to(device)
    prediction = linear(X_test)
    correct_prediction = torch.argmax(prediction, 1) == Y_test
    accuracy = correct_prediction.float().mean()
    print('Accuracy:', accuracy.item())

# %% 합성곱 출력 크기 (N - F) / stride + 1, 패딩 P가 있으면 (N + 2P - F) / S + 1
for stride in (1, 2, 3):
    print("N=7, F=3, stride", stride, "->", (7 - 3) / stride + 1)
print("4x4, 3x3, pad 1, stride 1 ->", (4 + 2 * 1 - 3) // 1 + 1)
