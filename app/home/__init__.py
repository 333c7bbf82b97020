"""Each role's home page: counts of what the viewer may see and the actions it may take."""
