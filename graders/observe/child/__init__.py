"""Code that runs inside the sandboxed child process.

It imports only the standard library, numpy and torch (torchvision when the
submission imports it): nothing from the judging side of the grader.
"""
