"""Private files: uploads, renditions and documents live in the media storage (files under
MEDIA_ROOT, or a private bucket with MEDIA_STORAGE=s3) and are never served as static files.
Views check who is asking, then hand the file over through `serving`; tools that need a path get
a bounded local copy through `localcopy`."""
