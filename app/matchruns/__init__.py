"""Match runs: the office starts one, a job computes it, staff read ranked explained lists."""
