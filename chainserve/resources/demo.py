"""Demo records of this app, built on the demo cluster of chainserve.demo."""


def load():
    """Add this app's demo records; called once, inside the demo's transaction."""
