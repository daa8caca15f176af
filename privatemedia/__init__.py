"""Private files: uploads, renditions and documents live under MEDIA_ROOT and are never served
as static files. Views check who is asking, then hand the file over through `serving`."""
