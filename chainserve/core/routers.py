"""Read replicas: the database router that sends heavy reads (reports, dashboards, exports, list pages) to the
`replica` alias, and the middleware that says which reads of a request are heavy.

Installed only when REPLICA_DATABASE_URL is set (settings). The rules, in the order they are checked:
- a write always goes to the primary (`default`), and once a request has written, its later reads go there too;
- reads go to the replica only inside a heavy-read scope: a safe (GET/HEAD) request to a view marked `@heavy_read`
  (see ReplicaReadsMiddleware), or code run inside `reads_from_replica()`;
- inside a transaction (an atomic block, select_for_update) every read goes to the primary;
- a task (any task backend: database, RQ, immediate) reads the primary, even from inside a heavy scope — a task
  that reads "not found" from a replica a few milliseconds behind would fail or, worse, do nothing;
- a user who wrote (a non-safe request that succeeded) reads the primary for REPLICA_STICKY_SECONDS afterwards:
  the ReplicaReadsMiddleware keeps the time of the write in a cookie, so the page after a save shows the save;
- sessions, login lock-outs and the task queue's own rows are always read from the primary;
- a replica that does not answer is left alone for REPLICA_RETRY_SECONDS: heavy reads go to the primary meanwhile
  (slower, not broken; a warning in the log says so), then it is tried again.
"""

import contextlib
import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY_ONLY_APPS = {"sessions", "axes", "django_tasks_database"}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
STICKY_COOKIE = "chainserve_wrote"


class _Reads:
    """Where one request's (or one `reads_from_replica()` block's) reads may go."""

    __slots__ = ("heavy", "primary")

    def __init__(self, heavy=False, primary=False):
        self.heavy = heavy  # a heavy read: the replica may serve it
        self.primary = primary  # pinned to the primary: the user wrote just now, or this request wrote


_reads: ContextVar[_Reads | None] = ContextVar("chainserve_reads", default=None)
_tasks_running: ContextVar[int] = ContextVar("chainserve_tasks_running", default=0)


def reads_go_to_replica():
    """True when a read here would be sent to the replica (its models aside)."""
    reads = _reads.get()
    return bool(reads and reads.heavy and not reads.primary and not _tasks_running.get()
                and not connections[DEFAULT_DB_ALIAS].in_atomic_block)


@contextlib.contextmanager
def reads_from_replica():
    """Reads inside may go to the replica (a decorator too). Inside a request the request's own rules still hold:
    a pinned request stays on the primary."""
    reads = _reads.get()
    if reads is None:
        token = _reads.set(_Reads(heavy=True))
        try:
            yield
        finally:
            _reads.reset(token)
        return
    before, reads.heavy = reads.heavy, True
    try:
        yield
    finally:
        reads.heavy = before


def heavy_read(view):
    """Marks a view as a heavy read (its GET requests may read the replica): a function view, a view class (its
    subclasses inherit the mark), a view method or a REST framework action."""
    view.heavy_read = True
    return view


def is_heavy_read(view_func, method):
    """Whether the resolved view (a function, a Django view class's or a REST framework view's as_view()) is marked
    for this HTTP method."""
    if getattr(view_func, "heavy_read", False):
        return True
    cls = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    if cls is None:
        return False
    if getattr(cls, "heavy_read", False):
        return True
    actions = getattr(view_func, "actions", None)  # a viewset: {"get": "list", ...}
    handler = actions.get(method.lower()) if actions else method.lower()
    return bool(handler and getattr(getattr(cls, handler, None), "heavy_read", False))


def task_started(sender, **kwargs):
    _tasks_running.set(_tasks_running.get() + 1)


def task_finished(sender, **kwargs):
    _tasks_running.set(max(_tasks_running.get() - 1, 0))


def connect():
    """Tasks read the primary: counted from django-tasks' start and finish signals, which every backend sends
    around the task's function (connected by core's AppConfig.ready, so the worker counts its first task too)."""
    from django_tasks.signals import task_finished as finished
    from django_tasks.signals import task_started as started

    started.connect(task_started, dispatch_uid="chainserve.core.routers.task_started")
    finished.connect(task_finished, dispatch_uid="chainserve.core.routers.task_finished")


_replica_down_until = 0.0  # time.monotonic() before which the replica is not asked again


def replica_answers():
    """Whether the replica may take this request's heavy reads: its connection opens (or is open and usable).
    One that does not is closed and skipped for REPLICA_RETRY_SECONDS — per process, so each server finds out on
    its own, with one failed connection attempt (connect_timeout: two seconds at most) per retry period."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    if REPLICA not in connections.settings:
        return True  # no replica alias (the router's own tests): nothing to check
    connection = connections[REPLICA]
    try:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
    except DatabaseError as e:
        connection.close()
        _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        logger.warning("The read replica does not answer (%s): heavy reads go to the primary for %s s.",
                       e.__class__.__name__, settings.REPLICA_RETRY_SECONDS)
        return False
    return True


class ReplicaRouter:
    """DATABASE_ROUTERS entry when a replica is configured (see the module docstring for the rules)."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label not in PRIMARY_ONLY_APPS and reads_go_to_replica():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            reads.primary = True  # what this request wrote, it reads back from the primary
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True  # one database: the replica is a copy of the primary
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None  # the replica receives the primary's schema by replication


class ReplicaReadsMiddleware:
    """Opens each request's read scope: heavy when the view is marked @heavy_read and the method is safe; pinned to
    the primary when the method is not safe, or when this browser's user wrote in the last REPLICA_STICKY_SECONDS
    (a cookie with the time of the write, set here on every non-safe request that succeeded).

    Last in MIDDLEWARE: only the view and its template read inside the scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        unsafe = request.method not in SAFE_METHODS
        token = _reads.set(_Reads(primary=unsafe or self.wrote_recently(request)))
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if unsafe and response.status_code < 400:
            response.set_cookie(STICKY_COOKIE, f"{time.time():.3f}", max_age=settings.REPLICA_STICKY_SECONDS,
                                httponly=True, samesite="Lax", secure=request.is_secure())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        reads = _reads.get()
        if reads is not None and not reads.primary and is_heavy_read(view_func, request.method):
            reads.heavy = replica_answers()

    @staticmethod
    def wrote_recently(request):
        try:
            wrote = float(request.COOKIES.get(STICKY_COOKIE, ""))
        except ValueError:
            return False
        # the cookie keeps the time to the ms, rounded: a read in the same ms as the write may see it up to 0.5 ms
        # ahead; a second of leeway covers that, and a forged time further ahead counts for nothing
        return -1 <= time.time() - wrote < settings.REPLICA_STICKY_SECONDS
