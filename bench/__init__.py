"""The reference for ``make bench``: the least a Django page can cost on this machine.

One view renders 50 rows fetched with one raw SQL query through a bare template, with the
same database, the same persistent connections and the same gunicorn command as the portal
(``bench/settings.py``). ``manage.py bench_http`` measures it in the same run as the portal's
pages and prints every page's requests per second as a ratio to it: absolute numbers drift
by 2× between runs on a shared machine, the ratio much less.
"""
