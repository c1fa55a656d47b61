"""BCP snapshots."""
