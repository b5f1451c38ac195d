"""The app under real gunicorn with phones and supervisors as HTTP clients: what the load and fault tests
(tests/load, tests/faults) and the benches (bench/) both drive.

A package of its own so that tests never import a bench and benches never import a test; outside ``fieldlog`` so
that it is not installed with the app (it drops database schemas and starts servers).

- ``loadkit.server``: gunicorn on a free local port (start, stop, SIGKILL, start again) and one HTTP request.
- ``loadkit.database``: an empty database migrated as an operator does it, and the people and hot spots of a run.
- ``loadkit.load``: phones pushing with retries, supervisors reading, phones pulling; the database checked after.
- ``loadkit.chromium``: what the DevTools protocol tells of the app in Chromium (its service worker registration).
"""
