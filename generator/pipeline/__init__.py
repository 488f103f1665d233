"""Orchestration: staging, the build's steps in order, the live preview's incremental rebuild."""
