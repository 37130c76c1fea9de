"""Pop-ups and fake sign-in prompts: their designs, their page markup, and their desktop window."""
