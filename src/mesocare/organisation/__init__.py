"""Typed records of the meso organisation: roles and scopes, care and welfare actors.

Each record has one model family (as the store's tables): ``…Create`` (what a user gives),
``…Update`` (what an edit changes, with the version it was made on) and ``…Public`` (what a page or
the API shows). They check themselves on creation; the store maps them to tables.
"""
