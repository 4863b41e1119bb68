"""`make bench`: throughput and latency numbers (results are noted in docs/benchmarks.md)."""
