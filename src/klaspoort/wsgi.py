import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")
application = get_wsgi_application()

from klaspoort.core.startup import refuse_half_configured, settle_heap  # noqa: E402  (needs the apps loaded)

refuse_half_configured("klaspoort web application")
settle_heap()
