"""``python -m mesocare`` runs the command line."""

from mesocare.cli import app

if __name__ == "__main__":
    app()
