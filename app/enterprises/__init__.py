"""Enterprises: member companies a chamber registers and posts demands for."""
