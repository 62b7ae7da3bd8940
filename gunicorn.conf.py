"""gunicorn settings read from the working directory: access log without client identity.

No %(h)s (address), %(a)s (user agent) or forwarded-for headers (DESIGN §6); the app also
filters the ``gunicorn.access`` logger (portal/access_log.py) in case another format is passed.
"""
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'

# Load the app, and the routing model, once in the master: the workers fork from it and share
# those pages copy-on-write instead of each loading its own copy (see bench/README.md).
preload_app = True


def when_ready(server):
    import gc

    from portal.routing import models_cache

    app = server.app.wsgi()
    with app.app_context():
        models_cache.current_model(app.config)  # reads files only; no database connection
    gc.freeze()  # keep the collector from touching (and so copying) the shared objects
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory") and server.cfg.workers > 1:
        server.log.warning("rate limits are counted per worker (memory): with %d workers a "
                           "client gets up to %d times each limit; set REDIS_URL",
                           server.cfg.workers, server.cfg.workers)
