"""The server-rendered pages, one router per subject."""
