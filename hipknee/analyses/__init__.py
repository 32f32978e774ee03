"""Pure functions over the log's DataFrames: balance, strength, knee pain, running load, the season's
verdicts and who needs attention first. Every threshold is in :mod:`.thresholds`."""
