"""CSV rows → the elements the EDEXML record readers take → an EdexDocument (see the package)."""

from __future__ import annotations

import csv
import io

from lxml import etree

from klaspoort.core.i18n.texts import deferred
from klaspoort.roster.csvimport.decode import decode
from klaspoort.roster.edexml.assemble import Parts, assemble
from klaspoort.roster.edexml.document import Problem, ReadResult
from klaspoort.roster.edexml.reader import default_max_bytes, too_big
from klaspoort.roster.edexml.records import read_group, read_pupil, read_school, read_staff
from klaspoort.roster.edexml.report import Report

COLUMNS = (
    "soort", "key", "naam", "jaargroep", "omschrijving", "roepnaam", "voorvoegsel", "achternaam",
    "groep", "samengestelde_groepen", "emailadres", "eckid", "schooljaar", "brincode", "dependancecode",
)  # fmt: skip
REQUIRED = ("soort", "key", "naam", "jaargroep", "roepnaam", "voorvoegsel", "achternaam", "groep",
            "emailadres", "schooljaar", "brincode")  # fmt: skip
KINDS = ("school", "groep", "samengestelde_groep", "leerling", "leerkracht")
Row = dict[str, str]
Element = etree._Element


def _sub(parent: Element, tag: str, value: str, line: int, **attributes: str) -> Element:
    element = etree.SubElement(parent, tag, attributes)
    element.text = value
    element.sourceline = line  # type: ignore[misc]  # writable in lxml; the stubs say read-only
    return element


def _element(tag: str, line: int, **attributes: str) -> Element:
    element = etree.Element(tag, {name: value for name, value in attributes.items() if value})
    element.sourceline = line  # type: ignore[misc]  # writable in lxml; the stubs say read-only
    return element


def _names(element: Element, row: Row, line: int) -> None:
    for column in ("achternaam", "voorvoegsel", "roepnaam"):
        if row[column]:
            _sub(element, column, row[column], line)


def _keys(value: str) -> list[str]:
    return [key for key in value.replace("|", " ").split() if key]


def _school(row: Row, line: int) -> Element:
    element = _element("school", line)
    for column in ("schooljaar", "brincode", "dependancecode"):
        if row.get(column):
            _sub(element, column, row[column], line)
    _sub(element, "xsdversie", "2.1", line)  # the CSV has no key-length limit of the older versions
    return element


def _group(row: Row, line: int, kind: str) -> Element:
    element = _element(kind, line, key=row["key"])
    _sub(element, "naam", row["naam"], line)
    if kind == "groep":
        _sub(element, "jaargroep", row["jaargroep"], line)
    if row.get("omschrijving"):
        _sub(element, "omschrijving", row["omschrijving"], line)
    return element


def _pupil(row: Row, line: int) -> Element:
    element = _element("leerling", line, key=row["key"], eckid=row.get("eckid", ""))
    _names(element, row, line)
    if row["jaargroep"]:
        _sub(element, "jaargroep", row["jaargroep"], line)
    if row["groep"]:
        _sub(element, "groep", "", line, key=row["groep"])
    composites = _keys(row.get("samengestelde_groepen", ""))
    if composites:
        block = _sub(element, "samengestelde_groepen", "", line)
        for key in composites:
            _sub(block, "samengestelde_groep", "", line, key=key)
    return element


def _staff(row: Row, line: int, composite_keys: set[str]) -> Element:
    element = _element("leerkracht", line, key=row["key"], eckid=row.get("eckid", ""))
    _names(element, row, line)
    if row["emailadres"]:
        _sub(element, "emailadres", row["emailadres"], line)
    keys = _keys(row["groep"]) + _keys(row.get("samengestelde_groepen", ""))
    if keys:
        block = _sub(element, "groepen", "", line)
        for key in keys:
            tag = "samengestelde_groep" if key in composite_keys else "groep"
            _sub(block, tag, "", line, key=key)
    return element


def _header(text: str) -> tuple[str, list[str], list[Problem]]:
    """The delimiter and the column names of the first line, or the problems with it."""
    first = text.split("\n", 1)[0].strip().lower()
    for delimiter in (";", ","):
        names = [name.strip() for name in next(csv.reader([first], delimiter=delimiter))]
        if "soort" in names and "key" in names:
            break
    else:
        return (
            "",
            [],
            [
                Problem(
                    1,
                    deferred(
                        "De eerste regel moet de kolomnamen bevatten (soort, key, naam, …), gescheiden "
                        "door een puntkomma (;) of een komma (,). Gebruik het sjabloon."
                    ),
                )
            ],
        )
    problems = [
        Problem(1, deferred("De kolom '%(column)s' ontbreekt.", column=name))
        for name in REQUIRED
        if name not in names
    ]
    problems += [
        Problem(
            1,
            deferred(
                "Onbekende kolom '%(column)s'. Toegestaan zijn: %(allowed)s.",
                column=name,
                allowed=", ".join(COLUMNS),
            ),
        )
        for name in names
        if name not in COLUMNS
    ]
    return delimiter, names, problems


def read_csv(data: bytes, *, max_bytes: int | None = None) -> ReadResult:
    """An EdexDocument from a CSV roster, or every problem with it (never raises for bad input)."""
    limit = default_max_bytes() if max_bytes is None else max_bytes
    if len(data) > limit:
        return ReadResult(None, [Problem(0, too_big(len(data), limit))])
    text, problems = decode(data)
    if problems:
        return ReadResult(None, problems)
    delimiter, names, problems = _header(text)
    if problems:
        return ReadResult(None, problems)
    report = Report()
    rows: list[tuple[int, Row]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader)
    read_up_to = reader.line_num  # the row that fails to read starts on the line after this one
    try:
        for values in reader:
            line, read_up_to = read_up_to + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(names):
                report.error(
                    line,
                    deferred(
                        "Deze regel heeft %(count)d kolommen; de kopregel heeft er %(header)d. "
                        "Staat er een '%(delimiter)s' te veel of te weinig?",
                        count=len(values),
                        header=len(names),
                        delimiter=delimiter,
                    ),
                )
                continue
            rows.append((line, {name: value.strip() for name, value in zip(names, values, strict=True)}))
    except csv.Error as exc:  # our own sentence: Python's English reason never reaches the school
        if "field limit" in str(exc):
            problem = deferred(
                'Een veld in deze regel is langer dan %(limit)d tekens; staat er een aanhalingsteken (") te '
                "veel, zodat de rest van het bestand in één veld valt?",
                limit=csv.field_size_limit(),
            )
        else:
            problem = deferred(
                'Deze regel kan niet worden gelezen; controleer de aanhalingstekens (") en scheidingstekens.'
            )
        report.error(read_up_to + 1, problem)
    parts = Parts()
    composite_keys = {row["key"] for _, row in rows if row["soort"].lower() == "samengestelde_groep"}
    for line, row in rows:
        kind = row["soort"].lower()
        if kind == "school":
            if parts.school is not None:
                report.error(
                    line,
                    deferred("Er staat meer dan één regel met soort 'school'; dat mag er maar één zijn."),
                )
            parts.school = read_school(_school(row, line), report)
        elif kind in {"groep", "samengestelde_groep"}:
            parts.groups.append(read_group(_group(row, line, kind), report))
        elif kind == "leerling":
            parts.pupils.append(read_pupil(_pupil(row, line), report))
        elif kind == "leerkracht":
            parts.staff.append(read_staff(_staff(row, line, composite_keys), report))
        else:
            report.error(
                line,
                deferred(
                    "Onbekende soort '%(kind)s' in kolom 'soort'. Kies uit: %(allowed)s.",
                    kind=row["soort"],
                    allowed=", ".join(KINDS),
                ),
            )
    document = assemble(parts, report)
    errors, warnings = report.sorted_errors(), report.sorted_warnings()
    if errors or document is None:
        return ReadResult(None, errors, warnings)
    return ReadResult(document, [], warnings)
