"""Turns agreement documents (text extracted from PDF, or PDF with a text layer) into a parse
that the application records as events."""
