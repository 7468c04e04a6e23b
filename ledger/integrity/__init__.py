"""Tamper evidence: the hash chain over the global order, its verification, signed anchors of the
chain head, Merkle proofs for single events, and audit bundles that verify offline."""
