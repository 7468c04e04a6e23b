"""`python -m aqb`: the command line under the distribution's own name.

The code lives in the top-level packages `cli`, `ledger` and `projections`; this package only
gives the tool an import name that no other distribution is likely to claim.
"""
