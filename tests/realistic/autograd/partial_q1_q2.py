# 1번과 2번만 했습니다 (나머지는 시간 부족)
import numpy as np
import torch

def step(z):
    return np.heaviside(z, 1.0)

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def tanh(z):
    return np.tanh(z)

def relu(z):
    return np.maximum(0, z)

def sigmoid_derivative(z):
    return sigmoid(z) * (1 - sigmoid(z))

def tanh_derivative(z):
    return 1 - tanh(z) ** 2

def relu_derivative(z):
    return np.array(z > 0, dtype=float)

def numerical_derivative(f, z, h=1e-4):
    # 수치 미분: (f(z+h) - f(z)) / h
    return (f(z + h) - f(z)) / h

zs = np.arange(-3, 3, 0.5)
print(np.max(np.abs(numerical_derivative(sigmoid, zs) - sigmoid_derivative(zs))))

# 2-1
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
print("grad_x\n", grad_x)
print("grad_y\n", grad_y)

# 2-3
x = torch.randn(N, D, requires_grad=True)
y = torch.randn(N, D, requires_grad=True)
z = torch.randn(N, D, requires_grad=True)
c = torch.sum(x * y + z)
c.backward()
print(x.grad)
print(y.grad)
print(z.grad)
