"""One module per CLI command; see graph/cli.py."""
