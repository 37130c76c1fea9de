"""What every site shares: the HTTP server, requests and responses, page layout, markup, PDFs, the secret scanner."""
