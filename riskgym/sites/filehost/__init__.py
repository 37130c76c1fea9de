"""The file hosts: Dropfile (dropfile.example) and XferNow (xfer-now.example)."""
