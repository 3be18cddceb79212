import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")
application = get_asgi_application()

from klaspoort.core.startup import refuse_half_configured  # noqa: E402  (needs the apps loaded)

refuse_half_configured("klaspoort web application")
