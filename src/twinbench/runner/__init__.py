"""The benchmark runner: prompt, generate, extract code, execute in the twin, score, store each cell."""
