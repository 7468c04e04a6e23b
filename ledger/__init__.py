"""aqb-ledger: an event-sourced audit ledger for Hessian AQB target agreements."""

__version__ = "0.1.0"
