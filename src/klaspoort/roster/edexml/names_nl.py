"""Common Dutch first names, infixes and surnames for generated (fictitious) rosters."""

from __future__ import annotations

FIRST_NAMES = (
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Yara", "Eva", "Liv", "Anna",
    "Evi", "Saar", "Lotte", "Noor", "Fenna", "Lieke", "Isa", "Fleur", "Roos", "Lynn", "Sanne", "Femke",
    "Esmee", "Jasmijn", "Maud", "Floor", "Elin", "Hanna", "Ilse", "Amira", "Nina", "Lina", "Olivia",
    "Noah", "Luca", "Sem", "Liam", "Lucas", "Daan", "Finn", "Levi", "Milan", "Bram", "Jesse", "Thijs",
    "Mees", "Sam", "Ties", "Jayden", "Lars", "Ruben", "Gijs", "Thomas", "Julian", "Adam", "Mohammed",
    "Stijn", "Teun", "Jens", "Siem", "Hugo", "Max", "Jurre", "Tim", "Floris", "Koen", "Niels", "Sven",
    "Ayoub", "Rayan", "Joep", "Hidde", "Wout", "Bas", "Pepijn", "Olaf", "Jan", "Kees",
)  # fmt: skip

ADULT_FIRST_NAMES = (
    "Marieke", "Annemiek", "Ingrid", "Petra", "Monique", "Linda", "Esther", "Karin", "Marloes", "Wendy",
    "Ilona", "Judith", "Nicole", "Sandra", "Miriam", "Renée", "Hester", "Anouk", "Mirjam", "Femke",
    "Jeroen", "Martijn", "Erik", "Sander", "Bart", "Mark", "Joost", "Pieter", "Rob", "Hans", "Gert",
    "Wouter", "Ruud", "Dennis", "Frank", "Marco", "Michiel", "Arjen", "Youssef", "Hatice",
)  # fmt: skip

# (infix, surname); most surnames have no infix.
SURNAMES = (
    ("", "Jansen"), ("de", "Jong"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Janssen"), ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"),
    ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"),
    ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"), ("de", "Haan"),
    ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"),
    ("de", "Bruin"), ("van der", "Heijden"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"),
    ("van", "Vliet"), ("van de", "Ven"), ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"),
    ("", "Koster"), ("van", "Dam"), ("van der", "Wal"), ("", "Prins"), ("", "Blom"), ("", "Huisman"),
    ("", "Peeters"), ("de", "Jonge"), ("", "Kuipers"), ("van", "Veen"), ("", "Post"), ("", "Kuiper"),
    ("", "Veenstra"), ("", "Kramer"), ("van den", "Brink"), ("", "Scholten"), ("van", "Wijk"),
    ("", "Postma"), ("", "Martens"), ("", "Vink"), ("de", "Ruiter"), ("", "Timmermans"), ("", "Groen"),
    ("", "Gerritsen"), ("", "Jonker"), ("van", "Loon"), ("", "Boersma"), ("van 't", "Hof"),
    ("", "Yilmaz"), ("", "El Amrani"), ("", "Kaya"), ("", "Öztürk"), ("", "Bouzid"), ("", "Nguyen"),
    ("", "Wijaya"), ("", "Sahin"), ("ter", "Horst"), ("in 't", "Veld"), ("", "Çelik"), ("", "Lambrechts"),
)  # fmt: skip

SCHOOL_NAMES = (
    "De Regenboog", "De Klimop", "Het Kompas", "De Vlinder", "De Zonnebloem", "Het Palet", "De Wereldwijzer",
    "De Springplank", "Het Anker", "De Boomgaard", "De Horizon", "De Zeven Zeeën", "Het Startpunt",
    "De Duizendpoot", "De Notenbalk", "Het Mozaïek",
)  # fmt: skip

COMPOSITE_GROUP_NAMES = (
    "Plusklas rekenen", "Plusklas taal", "Leesclub", "NT2-groep", "Schoolkoor", "Techniekclub",
    "Schaakclub", "Huiswerkklas", "Verrijkingsgroep", "Dyslexiegroep",
)  # fmt: skip
