"""The demo hospital: data and seeding."""
