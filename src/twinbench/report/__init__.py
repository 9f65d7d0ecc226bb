"""Human-readable reports (rich) of scores, traces and leaderboards."""
