"""Talent profiles (人才) that supply-side agencies submit and maintain."""
