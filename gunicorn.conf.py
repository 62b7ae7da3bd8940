"""gunicorn settings read from the working directory: access log without client identity.

No %(h)s (address), %(a)s (user agent) or forwarded-for headers (DESIGN §6); the app also
filters the ``gunicorn.access`` logger (portal/access_log.py) in case another format is passed.
"""
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'

# Load the app, the routing model, the templates and catalogues once in the master: the workers
# fork from it and share those pages copy-on-write (portal/prefork.py, bench/README.md).
preload_app = True


def when_ready(server):
    import gc

    from portal import prefork

    app = server.app.wsgi()
    prefork.warm(app)
    gc.freeze()  # keep the collector from touching (and so copying) the shared objects
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory") and server.cfg.workers > 1:
        server.log.warning("rate limits are counted per worker (memory): with %d workers a "
                           "client gets up to %d times each limit; set REDIS_URL",
                           server.cfg.workers, server.cfg.workers)
