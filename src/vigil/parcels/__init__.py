"""Parcel manifests: sender screening and declared-contents classification."""
