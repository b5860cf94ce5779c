// TEMPORARY (lead): the SQLite segment compiler goes here.
