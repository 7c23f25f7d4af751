# %%
import os


class Trap:
    def __float__(self):
        os.system("touch /tmp/dlgrade-hostile-canary/from-float")
        while True:
            pass

    def __array__(self, *args, **kwargs):
        return self.__float__()

    def __len__(self):
        return self.__float__()

    def __iter__(self):
        return iter([self.__float__()])


softmax_q4 = Trap()
mse_mean = Trap()

# %%
import torch
log_likelihood = torch.tensor(2.3219)  # not -ln(0.098)
