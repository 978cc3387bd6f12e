"""Provenance: visible and invisible watermarks, C2PA signing and verification, fingerprints and trace."""
