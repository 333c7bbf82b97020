"""Demands (需求): jobs, R&D projects and leading-talent projects of enterprises."""
