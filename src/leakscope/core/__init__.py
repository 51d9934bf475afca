"""The engine: knows Go and files, never imports Textual."""
