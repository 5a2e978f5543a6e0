"""The JSON API, ``/api/v1``: what the pages show or change, with the same roles (bearer tokens)."""
