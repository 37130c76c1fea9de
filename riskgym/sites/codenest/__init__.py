"""CodeNest (codenest.example): a code host with a real git remote."""
