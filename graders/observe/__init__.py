"""Run a submission in a sandboxed child process and collect observations."""
