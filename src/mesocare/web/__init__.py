"""The web platform: server-rendered pages (Jinja2) and a JSON API (``/api/v1``), one FastAPI app.

Both call the same services as the CLI (:mod:`mesocare.services.platform`); this package presents.
See :func:`mesocare.web.app.create_app`.
"""
