"""Ratio benchmarks: each times a subject against a baseline measured in the same run.

Run ``python -m benchmarks`` (``make bench``), ``python -m benchmarks NAME...`` for some of
them, ``--quick`` for fewer repetitions, ``--list`` for the names. Each prints the median time
of both sides, their ratio and the target the ratio must stay below; the command exits non-zero
when a target is missed. Performance targets live here, never in timed unit tests.
"""
