"""Django's PostgreSQL backend, with its health check skipped for a connection that served a
request a moment ago (`DATABASE_HEALTH_CHECK_SKIP_SECONDS`, docs/deployment.md).

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of every request, so that
a connection the database closed while idle (a restart, a failover, an idle timeout) is replaced
before it fails a page. Under load that round trip was one in two of the management page's
(docs/performance.md). A connection that served a request without error a moment ago is taken as
alive, as connection pools do (HikariCP's `aliveBypassWindowMs`): a database that goes away within
that moment fails at most the next request on each connection, with the "try again" page
(miejsca_otwarte.middleware.DatabaseUnavailableMiddleware), and Django then replaces it."""

from time import monotonic

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    served_at = float("-inf")  # when a request last finished with this connection, used and sound

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and not self.health_check_done
            and monotonic() - self.served_at < settings.DATABASE_HEALTH_CHECK_SKIP_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self):
        # At a request's end: the check is done (or skipped) once the request has used the
        # connection, and Django has closed it by now if an error left it unusable.
        used = self.health_check_done
        super().close_if_unusable_or_obsolete()
        if used and self.connection is not None and not self.errors_occurred:
            self.served_at = monotonic()

    def close(self):
        self.served_at = float("-inf")
        super().close()
