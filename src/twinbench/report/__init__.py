"""Reports of scores, traces and leaderboards: rich text for the terminal, HTML pages (`twinbench report`, `view`,
`check --html`)."""
