"""English date and time formats. Django's "P" writes "6:04 p.m.", so a sentence ending in a
time ends in two full stops ("valid until 6:04 p.m.."); "g:i A" writes "6:04 PM"."""

TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "N j, Y, g:i A"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
