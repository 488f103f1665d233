"""The site: which pages exist, what each shows (typed contexts) and their Markdown."""
