"""gunicorn settings read from the working directory: access log without client identity.

No %(h)s (address), %(a)s (user agent) or forwarded-for headers (DESIGN §6); the app also
filters the ``gunicorn.access`` logger (portal/access_log.py) in case another format is passed.
"""
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
