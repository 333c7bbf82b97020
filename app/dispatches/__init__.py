"""Dispatch (派单): the office tasks agencies with demands; agencies nominate talents."""
