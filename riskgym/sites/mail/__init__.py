"""Mail in the box: a real SMTP server, the mail store, delivery, and the webmail site."""
