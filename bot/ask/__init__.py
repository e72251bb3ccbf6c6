"""Answering questions: parse the question, match claims, render the reply. No spaCy on this path."""
