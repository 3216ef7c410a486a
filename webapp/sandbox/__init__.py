"""The sandbox: the fork server, its single-use children, and the client the web uses.
It never imports execution itself: the server is given its entry point by name."""
