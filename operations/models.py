"""Operations keeps no rows of its own: the access log is a file, purges are audit events."""
