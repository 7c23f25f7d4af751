"""Judge observations against expectations, outside the sandbox."""
