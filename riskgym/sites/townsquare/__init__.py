"""Townsquare (townsquare.example): a social network and forum."""
