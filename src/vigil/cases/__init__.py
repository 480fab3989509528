"""Case files: the anchor that personal data on persons of interest is tied to, with retention."""
