"""The office's dashboards: supply and demand, timings, per-organisation figures."""
