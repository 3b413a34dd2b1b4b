"""The `chainserve` console command: demo, serve, worker, import, token, and every manage.py command."""

import atexit
import os
import subprocess
import sys
from pathlib import Path

USAGE = """usage: chainserve COMMAND [ARGS]

  demo [--port N] [--reset]  migrate, load the demo cluster (idempotent) and serve it; logs go to
                             var/log/; --reset first deletes the demo's SQLite database under var/
  serve [--port N]           serve with gunicorn on 127.0.0.1
  worker [--workers N] [ARGS] run background tasks (notifications, e-mail, recomputes) with the
                             configured backend's worker (TASK_BACKEND: database, the default, or
                             rq on Redis; ARGS go to its worker); --workers N runs N of them
  import KIND FILE           import organizations or people from an .xlsx workbook, or past
                             years (history: its sheets 诉求, 联席会议, 联建活动, 签约项目, 结对共建 and
                             年度清单)
  import_catalogue KIND FILE import policies, financial-products, spaces, equipment, experts,
                             talent-programmes, achievements or (investment) candidates
  token USER [--days N]      print a new API token for USER (shown once; the earlier one stops working)
  report bulletin --from YYYY-MM-DD --to YYYY-MM-DD [--chain ID|NAME] [--district CODE|NAME]
         [--format json|xlsx|pdf] [--output FILE]
                             a bulletin's figures (JSON to standard output by default)
  <manage.py command> ...    any Django management command (migrate, createsuperuser …)
"""


def _serve(port: str, workers: str = "2", log_dir: Path | None = None):
    """gunicorn on 127.0.0.1:port; its access and error logs go to standard output and error (a service
    manager's journal), or to log_dir's access.log and app.log (the demo)."""
    from gunicorn.app.wsgiapp import run

    access, errors = ("-", "-") if log_dir is None else (str(log_dir / "access.log"), str(log_dir / "app.log"))
    sys.argv = [
        "gunicorn", "chainserve.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", os.environ.get("WEB_CONCURRENCY", workers),
        "--access-logfile", access, "--error-logfile", errors,
        # calendar-feed and password-reset tokens in paths are written as [redacted]
        "--logger-class", "chainserve.core.accesslog.RedactingLogger",
    ]
    run()


def demo_database_files(database, var_dir):
    """The files of the demo's SQLite database (with its -wal, -shm and -journal files) that `demo --reset`
    deletes; SystemExit for any other database, so that a reset never drops a real one."""
    name = str(database.get("NAME") or "")
    if database.get("ENGINE") != "django.db.backends.sqlite3" or not name or name.startswith(("file:", ":memory:")):
        raise SystemExit("chainserve demo --reset deletes only the demo's SQLite database under the var folder; "
                         "this database is another one (DATABASE_URL): empty it yourself.")
    path = Path(name).resolve()
    if not path.is_relative_to(Path(var_dir).resolve()):
        raise SystemExit(f"chainserve demo --reset deletes only a database under {var_dir}; {path} is not.")
    return [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]


def _shown(path: Path):
    """path relative to the current folder when it is below it (var/log/access.log), else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _demo(rest):
    # Before the settings are read: Django's warnings (403s with their tracebacks) go to var/log/app.log, here
    # and in the worker and the gunicorn workers, which inherit the environment.
    os.environ["CHAINSERVE_LOG_TO_FILES"] = "1"
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    if "--reset" in rest:
        connections.close_all()
        for path in demo_database_files(settings.DATABASES["default"], settings.VAR_DIR):
            path.unlink(missing_ok=True)
        print("Demo database deleted; loading it again.", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    # The demo runs its task worker beside the web server; it stops with the demo.
    # Quiet, so that the logins above stay on screen.
    worker = subprocess.Popen([sys.executable, "-m", "chainserve.cli", "worker", "--verbosity", "0"])
    atexit.register(worker.terminate)
    port, logs = _port(rest), Path(settings.LOG_DIR)
    print(f"Open http://127.0.0.1:{port}\n"
          "Stop: Ctrl-C. Start again from scratch: make demo-reset (or chainserve demo --reset).\n"
          f"Logs: {_shown(logs / 'access.log')} (requests), {_shown(logs / 'app.log')} (warnings and errors).",
          flush=True)
    _serve(port, log_dir=logs)


def _port(args):
    if "--port" in args:
        return args[args.index("--port") + 1]
    return os.environ.get("PORT", "8000")


def import_command(rest):
    """The management command behind `chainserve import KIND FILE`: past years have their own."""
    return "import_history" if rest[:1] == ["history"] else "import_registry"


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    from django.core.management import execute_from_command_line

    command, rest = args[0], args[1:]
    if command == "demo":
        _demo(rest)
    elif command == "serve":
        _serve(_port(rest))
    elif command == "import":
        execute_from_command_line(["chainserve", import_command(rest), *rest])
    elif command == "token":
        execute_from_command_line(["chainserve", "api_token", *rest])
    else:
        execute_from_command_line(["chainserve", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
