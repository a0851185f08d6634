"""What several plants share (A/B-test assignment, app builds); no plant of its own, so never registered."""
