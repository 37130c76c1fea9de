"""PaperShelf (papershelf.example): a preprint server."""
