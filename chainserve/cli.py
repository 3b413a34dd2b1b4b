"""The `chainserve` console command: demo, serve, worker, import, token, and every manage.py command."""

import atexit
import os
import subprocess
import sys

USAGE = """usage: chainserve COMMAND [ARGS]

  demo [--port N]            migrate, load the demo cluster (idempotent) and serve it
  serve [--port N]           serve with gunicorn on 127.0.0.1
  worker                     run background tasks (notifications, e-mail)
  import KIND FILE           import organizations or people from an .xlsx workbook
  import_catalogue KIND FILE import policies, financial-products, spaces, equipment, experts,
                             talent-programmes, achievements or (investment) candidates
  token USER [--days N]      print a new API token for USER (shown once; the earlier one stops working)
  report bulletin --from YYYY-MM-DD --to YYYY-MM-DD [--chain ID|NAME] [--district CODE|NAME]
         [--format json|xlsx|pdf] [--output FILE]
                             a bulletin's figures (JSON to standard output by default)
  <manage.py command> ...    any Django management command (migrate, createsuperuser …)
"""


def _serve(port: str, workers: str = "2"):
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn", "chainserve.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", os.environ.get("WEB_CONCURRENCY", workers), "--access-logfile", "-",
        # calendar-feed and password-reset tokens in paths are written as [redacted]
        "--logger-class", "chainserve.core.accesslog.RedactingLogger",
    ]
    run()


def _port(args):
    if "--port" in args:
        return args[args.index("--port") + 1]
    return os.environ.get("PORT", "8000")


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    import django
    from django.core.management import call_command, execute_from_command_line

    command, rest = args[0], args[1:]
    if command == "demo":
        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo")
        # The demo runs its task worker beside the web server; it stops with the demo.
        # Quiet, so that the logins above stay on screen.
        worker = subprocess.Popen([sys.executable, "-m", "chainserve.cli", "worker", "--verbosity", "0"])
        atexit.register(worker.terminate)
        print(f"Open http://127.0.0.1:{_port(rest)}", flush=True)
        _serve(_port(rest))
    elif command == "worker":
        execute_from_command_line(["chainserve", "db_worker", "--no-startup-delay", *rest])
    elif command == "serve":
        _serve(_port(rest))
    elif command == "import":
        execute_from_command_line(["chainserve", "import_registry", *rest])
    elif command == "token":
        execute_from_command_line(["chainserve", "api_token", *rest])
    else:
        execute_from_command_line(["chainserve", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
