"""Translation tooling: which catalogue owns a file, extraction checks, compiling without GNU gettext.

Texts are written in Dutch (the msgid) and translated to English in the catalogue of the app that
uses them: `src/klaspoort/<app>/locale/en/LC_MESSAGES/django.po`. `docs/style.md` tells how to add a
text; `make messages` extracts, `make check-messages` is what CI runs.
"""
