"""Financing engines: payment rules as data, practice income under several models, allocation of a
budget by need, the CPTS contract simulator and the zorgraad weighted-inhabitant grant.

Engines are pure functions on tables; ``mesocare.services.financing`` combines them for the CLI and
the report.
"""
