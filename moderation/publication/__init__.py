"""Publication: labelled renditions of approved content, taking content down, and the public
pages readers see."""
