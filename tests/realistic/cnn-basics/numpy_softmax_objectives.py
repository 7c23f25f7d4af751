"""Q4 and Q5 worked in numpy (the rest of the homework was handed in on paper)."""
import numpy as np

# Q4 소프트맥스
o = np.array([0.4, 2.0, 0.001, 0.32])
shifted = o - o.max()
probs = np.exp(shifted) / np.sum(np.exp(shifted))
print("softmax:", probs, probs.sum())

# Q5 세 가지 목적함수
out = np.array([0.001, 0.9, 0.001, 0.098])
y = np.array([0, 0, 0, 1])
mse = np.mean((out - y) ** 2)
cross_entropy = -np.sum(y * np.log(out))
log_likelihood = -np.log(out[np.argmax(y)])
print("MSE =", mse)
print("CE  =", cross_entropy)
print("LL  =", log_likelihood)
