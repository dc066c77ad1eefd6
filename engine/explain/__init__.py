"""Explanations for people: text and Markdown, words in nb and en, `--why-not`."""
