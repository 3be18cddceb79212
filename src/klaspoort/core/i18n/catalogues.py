"""Which app's catalogue a source file's texts go to.

A Python file belongs to the innermost installed klaspoort app that contains it (files outside any
app, such as `settings.py`, belong to `core`). Templates live in the shared `templates/` folder:
`templates/<folder>/…` belongs to the app whose module ends in `<folder>` (`templates/pupils/` →
`klaspoort.accounts.pupils`), unless `TEMPLATE_FOLDERS` below says otherwise; templates directly in
`templates/` belong to `core`. A folder without an owner is an error that tells where to add it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

PACKAGE = "klaspoort"
PACKAGE_DIR = Path(__file__).resolve().parents[2]
LANGUAGES = ("en",)  # catalogues besides the Dutch source text
DOMAIN = "django"

# Template folders whose name is not the last part of their app's module. The one place to add one.
TEMPLATE_FOLDERS: dict[str, str] = {
    "saml": "klaspoort.federation",
    "staff": "klaspoort.schooladmin",  # the one staff layout (schooladmin/navigation.py)
}
# Folders (relative to the package) whose files hold no user-facing text to extract.
SKIPPED_FOLDERS = frozenset({"migrations", "__pycache__", "static", "locale"})
EXTENSIONS = frozenset({".py", ".html", ".txt"})


class UnownedFile(LookupError):
    pass


@dataclass(frozen=True)
class Catalogue:
    app: str  # module, e.g. "klaspoort.accounts.pupils"
    locale_dir: Path  # <package dir>/accounts/pupils/locale

    def po_path(self, language: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def klaspoort_apps() -> list[str]:
    from django.apps import apps

    return [config.name for config in apps.get_app_configs() if config.name.split(".")[0] == PACKAGE]


class Routing:
    def __init__(self, package_dir: Path, apps: Sequence[str]) -> None:
        self.package_dir = package_dir
        self.apps = sorted(apps, key=lambda name: -name.count("."))  # innermost first
        if f"{PACKAGE}.core" not in self.apps:
            raise ValueError("klaspoort.core must be among the apps")

    def catalogue(self, app: str) -> Catalogue:
        parts = app.split(".")[1:]
        return Catalogue(app, self.package_dir.joinpath(*parts, "locale"))

    def catalogues(self) -> list[Catalogue]:
        return [self.catalogue(app) for app in sorted(self.apps)]

    def owner(self, relative: PurePosixPath) -> str:
        """The app whose catalogue holds the texts of `relative` (a path inside the package)."""
        parts = relative.parts
        if parts and parts[0] == "templates":
            return self._template_owner(parts[1:])
        module = ".".join((PACKAGE, *parts[:-1]))
        for app in self.apps:
            if module == app or module.startswith(app + "."):
                return app
        return f"{PACKAGE}.core"

    def _template_owner(self, parts: Sequence[str]) -> str:
        if len(parts) <= 1:
            return f"{PACKAGE}.core"
        folder = parts[0]
        if folder in TEMPLATE_FOLDERS:
            return TEMPLATE_FOLDERS[folder]
        matches = [app for app in self.apps if app.rsplit(".", 1)[-1] == folder]
        if len(matches) == 1:
            return matches[0]
        raise UnownedFile(
            f"templates/{folder}/ belongs to no app (or to several): name the folder after its app, "
            f"or add {folder!r} to TEMPLATE_FOLDERS in klaspoort/core/i18n/catalogues.py"
        )

    def source_files(self) -> Iterable[PurePosixPath]:
        """Every file with texts to extract, relative to the package dir, in a stable order."""
        for path in sorted(self.package_dir.rglob("*")):
            relative = PurePosixPath(path.relative_to(self.package_dir).as_posix())
            if path.suffix not in EXTENSIONS or not path.is_file():
                continue
            if SKIPPED_FOLDERS.intersection(relative.parts[:-1]):
                continue
            if path.suffix != ".py" and "templates" not in relative.parts:
                continue  # data files that happen to end in .txt
            yield relative

    def template_files(self) -> Iterable[PurePosixPath]:
        for relative in self.source_files():
            if relative.suffix != ".py":
                yield relative
