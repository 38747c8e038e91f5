"""Generate the invented sample data shipped in ``graphwarm/samples/``.

Every person and company written here is invented. The output imitates the byte-level shape
of real LinkedIn data exports (several format eras) and HubSpot CSV exports, as described in
``/work/shared/reference/formats.md``, for an invented Nordic sales team at Fjordlys Software AB.

Run ``python samples/generate.py`` from the repository root. Standard library only; a fixed
seed and a fixed ``AS_OF`` date make every run byte-identical (zip entries carry fixed dates).
"""

from __future__ import annotations

import base64
import csv
import io
import math
import random
import unicodedata
import urllib.parse
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 20261101
AS_OF = datetime(2026, 11, 1)
OUT = Path(__file__).resolve().parent.parent / "graphwarm" / "samples"


def words(text: str) -> list[str]:
    """A list from whitespace-separated words (keeps the vocabulary below compact)."""
    return text.split()


MONTHS = words("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")
URL_PREFIX = "https://www.linkedin.com/in/"

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

FIRST_NAMES = {
    "SE": "Anna Erik Lars Karin Johan Maria Anders Eva Sofia Mikael Elin Fredrik Åsa Jonas "
    "Ingrid Magnus Linnea Björn Malin Henrik Sara Gustav Ebba Olof Märta Göran Frida Nils "
    "Josefin Mattias Helena Axel Klara Tobias Agnes Viktor Hanna Patrik Therese Jörgen "
    "Lovisa Ulf Åke Ylva Ida Emil",
    "NO": "Ola Kari Knut Sigrid Håkon Solveig Øystein Marit Bjørn Ragnhild Eirik Tone Sindre "
    "Kjersti Torbjørn Åse Vegard Siri Geir Hege Jørgen Line Trond Maren Stian Guro Ørjan "
    "Espen Ingvild Sverre",
    "DK": "Mette Rasmus Søren Lærke Mads Signe Jesper Camilla Kasper Trine Freja Mikkel "
    "Pernille Morten Astrid Frederik Sanne Jens Louise Niels Ditte Thomas Birgitte Asger "
    "Bent Ida",
    "FI": "Mikko Anni Juha Laura Antti Päivi Janne Tiina Ville Sanna Jukka Riikka Timo Hanna "
    "Sami Elina Pekka Minna Markku Satu Aleksi Jenni Teemu Kaisa Jyrki Sari Tuomas",
    "DE": "Jörg Jürgen Günter Uwe Katrin Sabine Jan Mareike Björn Ute",
}
LAST_NAMES = {
    "SE": "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
    "Gustafsson Lindqvist Lindgren Bergström Sjöberg Åberg Lundqvist Hedlund Ström Öberg "
    "Engström Forsberg Wallin Sundberg Holmgren Ekström Björklund Nyström Håkansson Löfgren "
    "Sandström Dahlberg Östlund Jönsson Berglund Fransson Söderberg Hägglund Wikström",
    "NO": "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Karlsen Haugen "
    "Bakke Dahl Solberg Lie Hagen Berg Moen Strand Sæther Bråten Løken Aasen Haugland Østby "
    "Fjeld Grønlund Myhre Vik Kvale Ødegård",
    "DK": "Jensen Nielsen Christensen Sørensen Rasmussen Jørgensen Petersen Madsen Kristensen "
    "Thomsen Poulsen Knudsen Mortensen Møller Frederiksen Kjær Bæk Dalgaard Højgaard "
    "Vestergaard Skovgaard Krogh Brøndum Bækgaard",
    "FI": "Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen "
    "Järvinen Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen "
    "Turunen Laitinen Tuominen Rantanen Karjalainen Jokinen Mattila Savolainen Lähteenmäki",
    "DE": "Müller Schäfer Köhler Weiß Krüger Schröder Bäcker Hoffmann Günther Vogel",
}
RESERVED_NAMES = {
    ("Lina", "Ahl"),
    ("Oskar", "Nyberg"),
    ("Erik", "Sandberg"),
    ("Maja", "Holm"),
    ("Per", "Moberg"),
    ("Sofia", "Wall"),
    ("Jon", "Rask"),
    ("Anna", "Andersson"),
    ("Jörg", "Müller"),
}

STEM_PARTS = {
    "SE": (
        words(
            "Nord Sol Fjäll Havs Berg Ek Strand Vind Ljus Sjö Skär Gran Björk Tall Öster Väster "
            "Kvarn Ljung Mal Lill Ask Lin Hag Sand Sten Vass Tyr Hassel Rönn Silver"
        ),
        words("vik berg dal by holm näs ström lund mark sund fors vall hed ängen torp skog kulla"),
    ),
    "NO": (
        words("Fjord Havn Lys Skog Stein Elv Bre Tind Fonn Bø Sjø Øy Lyng Furu Nord Vest"),
        words("vik heim dal nes land berg øy fjell våg strand sund stad haug"),
    ),
    "DK": (
        words("Nør Sønder Øster Vester Skov Lyng Hav Bøge Eg Hede Mose Ring Kilde Rosen"),
        words("gaard holm lund borg bæk høj vig sted by dal strup"),
    ),
    "FI": (
        words("Järvi Koski Metsä Kivi Ranta Lahti Mäki Kallio Vaara Harju Lumi Kuu Tuuli"),
        words("la vesi pää maa niemi saari"),
    ),
    "UK": (words("Northgate Harbour Kestrel Baltic Skagerrak Polar Aurora Fenwick"), [""]),
    "DE": (words("Nordlicht Ostsee Hanse Elbtal Kieler Förde"), [""]),
}
SECTORS = {
    "SE": words(
        "Transport Kraft Logistik Bygg Fastigheter Data Energi Mekaniska Konsult Trä "
        "Livsmedel Elektronik Systems Analys Marin Skog Verkstad Invest Partners Media"
    ),
    "NO": words(
        "Transport Kraft Logistikk Bygg Eiendom Data Energi Shipping Sjømat Teknologi "
        "Industri Marine Partners Rådgivning"
    ),
    "DK": words(
        "Transport Logistik Byg Ejendomme Data Energi Shipping Fødevarer Teknik Medico "
        "Partners Rådgivning"
    ),
    "FI": words("Logistiikka Rakennus Energia Data Metsä Teknologia Systems Konsultointi Kuljetus"),
    "UK": words("Systems Analytics Software Engineering Capital Solutions"),
    "DE": words("Technik Logistik Software Anlagenbau"),
}
SUFFIXES = {
    "SE": [("AB", 1.0)],
    "NO": [("AS", 0.8), ("ASA", 0.2)],
    "DK": [("A/S", 0.7), ("ApS", 0.3)],
    "FI": [("Oy", 0.8), ("Oyj", 0.2)],
    "UK": [("Ltd", 1.0)],
    "DE": [("GmbH", 1.0)],
}
TLD = {"SE": "se", "NO": "no", "DK": "dk", "FI": "fi", "UK": "co.uk", "DE": "de"}
INDUSTRY = {
    "Transport": "Transportation/Trucking/Railroad",
    "Kuljetus": "Transportation/Trucking/Railroad",
    "Logistik": "Logistics and Supply Chain",
    "Logistikk": "Logistics and Supply Chain",
    "Logistiikka": "Logistics and Supply Chain",
    "Kraft": "Utilities",
    "Energi": "Utilities",
    "Energia": "Utilities",
    "Bygg": "Construction",
    "Byg": "Construction",
    "Rakennus": "Construction",
    "Fastigheter": "Real Estate",
    "Eiendom": "Real Estate",
    "Ejendomme": "Real Estate",
    "Shipping": "Maritime",
    "Marin": "Maritime",
    "Marine": "Maritime",
    "Skog": "Paper & Forest Products",
    "Metsä": "Paper & Forest Products",
    "Trä": "Paper & Forest Products",
    "Livsmedel": "Food Production",
    "Sjømat": "Food Production",
    "Fødevarer": "Food Production",
    "Medico": "Medical Devices",
    "Partners": "Management Consulting",
    "Konsult": "Management Consulting",
    "Rådgivning": "Management Consulting",
    "Konsultointi": "Management Consulting",
    "Media": "Marketing and Advertising",
    "Mekaniska": "Mechanical or Industrial Engineering",
    "Verkstad": "Mechanical or Industrial Engineering",
    "Industri": "Mechanical or Industrial Engineering",
    "Teknik": "Mechanical or Industrial Engineering",
    "Technik": "Mechanical or Industrial Engineering",
    "Anlagenbau": "Mechanical or Industrial Engineering",
    "Elektronik": "Electrical/Electronic Manufacturing",
    "Invest": "Financial Services",
    "Capital": "Financial Services",
}
COUNTRY_WEIGHTS = {"SE": 45, "NO": 20, "DK": 15, "FI": 12, "UK": 4, "DE": 4}

BUYER_TITLES = {
    "SE": ["CFO", "Ekonomichef", "Inköpschef", "Head of Procurement", "COO", "IT-chef", "CIO"],
    "NO": ["CFO", "Økonomidirektør", "Innkjøpssjef", "Head of Procurement", "COO", "IT-sjef"],
    "DK": ["CFO", "Økonomichef", "Indkøbschef", "Head of Procurement", "COO", "IT-chef"],
    "FI": ["CFO", "Talousjohtaja", "Hankintapäällikkö", "Head of Procurement", "COO", "CIO"],
    "UK": ["CFO", "Head of Procurement", "COO", "CIO"],
    "DE": ["CFO", "Leiter Einkauf", "COO", "CIO"],
}
# Titles for insiders of target accounts: deliberately nothing that reads like a buyer.
INSIDER_TITLES = [
    "Key Account Manager",
    "Projektledare",
    "Systemutvecklare",
    "Säljare",
    "Controller",
    "Logistics Planner",
    "Product Owner",
    "Business Analyst",
    "Rådgiver",
    "Prosjektleder",
    "Konsulent",
    "Asiantuntija",
    "Senior Engineer",
    "Account Manager, Nordics",
    "Trafikledare",
    "HR Business Partner",
]
GENERAL_TITLES = [
    *INSIDER_TITLES,
    "Head of Sales, Nordics",
    "VD",
    "Daglig leder",
    "Administrerende direktør",
    "Toimitusjohtaja",
    "Partner, Corporate Finance",
    "Marketing Manager",
    "CTO",
    "Sales Director",
    "Inköpare",
    "Customer Success Manager",
    'Lead "Platform" Engineer',
    "Software Engineer",
    "Recruiter",
    "Founder & CEO",
    "Board Member",
    "Management Consultant",
    "Student",
]
LOCAL_TITLES = {
    "Projektledare": "SE",
    "Systemutvecklare": "SE",
    "Säljare": "SE",
    "Trafikledare": "SE",
    "VD": "SE",
    "Inköpare": "SE",
    "Rådgiver": "NO",
    "Prosjektleder": "NO",
    "Daglig leder": "NO",
    "Konsulent": "DK NO",
    "Administrerende direktør": "DK NO",
    "Asiantuntija": "FI",
    "Toimitusjohtaja": "FI",
}
SKILLS = [
    "Sales",
    "SaaS",
    "B2B",
    "Negotiation",
    "Account Management",
    "CRM",
    "Solution Selling",
    "Försäljning",
    "Business Development",
    "Key Account Management",
]
MESSAGES = [
    "Thanks for the call!",
    "Sounds good, talk next week.",
    "Great to meet you at the conference.",
    "Could you send over the deck?",
    "Happy to help.",
    "Congrats on the new role!",
    "Let me check with the team and come back to you.",
    "Tack för senast!",
    "Takk for praten i dag.",
    "Tak for i går.",
    "Kiitos tapaamisesta!",
    "Does Thursday at 10 work for you?",
    "See you in Gothenburg.",
    "Hope all is well.",
]
MULTILINE = [
    "Hi {first},\n\nThanks for the call!\n\nBest,\n{me}",
    "Hej {first}!\nHär är länken jag nämnde.\n/{me}",
    "Hi {first},\n\nA short follow-up: does next week work?\n\nKind regards\n{me}",
]


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------


@dataclass
class Company:
    """An invented organisation."""

    stem: str
    sector: str
    suffix: str
    country: str
    size: int = 10
    reach: str = ""  # for target accounts: direct / internal / external / cold
    crm_name: str = ""  # the target-accounts file's spelling, when it differs
    fixed_spelling: bool = False  # always written canonically in connections

    @property
    def name(self) -> str:
        """The canonical name with legal suffix."""
        return f"{self.stem} {self.sector} {self.suffix}"

    @property
    def domain(self) -> str:
        """An invented web domain such as ``nordviktransport.se``."""
        return f"{ascii_fold(self.stem + self.sector).lower()}.{TLD[self.country]}"

    @property
    def target(self) -> bool:
        """Whether the team targets this account."""
        return bool(self.reach)


@dataclass
class Person:
    """An invented person (member or contact)."""

    first: str
    last: str
    country: str
    slug: str
    company: Company | None
    title: str
    email: str = ""
    buyer: bool = False
    spelling: str = ""  # a fixed way the connections files write this person's company
    members: set[str] = field(default_factory=set)

    @property
    def full(self) -> str:
        """First and last name."""
        return f"{self.first} {self.last}"

    @property
    def url(self) -> str:
        """The public profile URL."""
        return URL_PREFIX + self.slug


@dataclass
class World:
    """Everything the writers need."""

    companies: list[Company]
    people: list[Person]
    members: dict[str, Person]
    connected_on: dict[tuple[str, str], datetime]  # (member first name, contact slug) -> date
    specials: dict[str, Person]


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """Fold Nordic letters to ASCII the way LinkedIn slugs and mail addresses do."""
    table = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss"})
    decomposed = unicodedata.normalize("NFKD", text.translate(table))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def weighted(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    """Pick one option by weight."""
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A uniformly random second between two instants."""
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randint(0, max(span, 0)))


def columns(text: str) -> list[str]:
    """A header row from its comma-joined text."""
    return text.split(",")


def fmt_modern(d: datetime) -> str:
    """``08 Feb 2023``."""
    return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"


def fmt_us_short(d: datetime) -> str:
    """``3/12/18, 4:05 PM`` (month first), used in 2018 exports and in invitations."""
    hour, half = d.hour % 12 or 12, "AM" if d.hour < 12 else "PM"
    return f"{d.month}/{d.day}/{d.year % 100:02d}, {hour}:{d.minute:02d} {half}"


def fmt_excel(d: datetime) -> str:
    """``9-May-22``."""
    return f"{d.day}-{MONTHS[d.month - 1]}-{d.year % 100:02d}"


def fmt_utc(d: datetime) -> str:
    """``2024-05-01 09:30:12 UTC``."""
    return d.strftime("%Y-%m-%d %H:%M:%S UTC")


def fmt_month(d: date) -> str:
    """``Mar 2022``."""
    return f"{MONTHS[d.month - 1]} {d.year}"


def csv_text(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    quote_all: bool = False,
    delimiter: str = ",",
    newline: str = "\n",
    final_newline: bool = True,
) -> str:
    """Render rows as CSV text in the requested dialect."""
    buf = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    text = buf.getvalue()
    return text if final_newline else text.removesuffix(newline)


def write_zip(path: Path, entries: Sequence[tuple[str, str]], when: datetime) -> None:
    """Write a zip whose bytes depend only on its entries (fixed dates and attributes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in entries:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write text exactly (no newline translation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


# --------------------------------------------------------------------------------------------
# Companies
# --------------------------------------------------------------------------------------------


def make_company(rng: random.Random, used: set[str]) -> Company:
    """An invented company with a unique stem and a legal suffix matching its country."""
    country = weighted(rng, list(COUNTRY_WEIGHTS.items()))
    for attempt in range(10_000):
        if attempt and attempt % 40 == 0:  # small stem lists run dry: fall back to Sweden
            country = "SE"
        heads, tails = STEM_PARTS[country]
        head, tail = rng.choice(heads), rng.choice(tails)
        stem = head + tail
        sector = rng.choice(SECTORS[country])
        clash = (
            head[-1] == tail[:1]
            or (tail and tail in sector.lower())
            or sector.lower() in stem.lower()
        )
        if (
            not clash
            and f"{stem} {sector}" not in used
            and stem not in {s.split()[0] for s in used}
        ):
            used.add(f"{stem} {sector}")
            return Company(stem, sector, weighted(rng, SUFFIXES[country]), country)
    raise RuntimeError("ran out of company names")


def make_companies(
    rng: random.Random, total: int = 250
) -> tuple[list[Company], dict[str, Company]]:
    """About 250 companies, Zipf-sized, 40 of them target accounts with a planned reach."""
    named = {
        "fjordlys": Company("Fjordlys", "Software", "AB", "SE", size=85),
        "nordvik": Company("Nordvik", "Transport", "AB", "SE", size=1400, reach="internal"),
        "stora": Company("Storå", "Kraft", "AB", "SE", size=2600, reach="cold"),
        "kullaberg": Company(
            "Kullaberg", "Bygg", "AB", "SE", size=640, reach="internal", fixed_spelling=True
        ),
        "tellus": Company("Tellus", "Partners", "AB", "SE", size=24),
        "kvartsvik": Company("Kvartsvik", "Systems", "AB", "SE", size=310),
        "havsbris": Company("Havsbris", "Data", "AB", "SE", size=140),
    }
    named["kullaberg"].crm_name = "Kullaberg Bygg"
    used = {f"{c.stem} {c.sector}" for c in named.values()}
    companies = list(named.values())
    while len(companies) < total:
        companies.append(make_company(rng, used))
    randoms = companies[len(named) :]
    ranks = list(range(1, len(companies) + 1))
    rng.shuffle(ranks)
    for company, rank in zip(randoms, ranks, strict=False):
        company.size = max(3, int(30000 / rank**1.15 * rng.uniform(0.7, 1.3)))
    plan = ["direct"] * 5 + ["internal"] * 17 + ["external"] * 8 + ["cold"] * 7
    rng.shuffle(plan)
    candidates = sorted(
        (c for c in randoms if c.country != "UK" or rng.random() < 0.5), key=lambda c: -c.size
    )[:90]
    for company, reach in zip(rng.sample(candidates, len(plan)), plan, strict=True):
        company.reach = reach
        company.size = max(company.size, rng.randint(60, 400))
    return companies, named


def title_for(rng: random.Random, company: Company | None, pool: Sequence[str]) -> str:
    """A title from the pool, in English or in the company's own language."""
    country = company.country if company is not None else "SE"
    fits = [t for t in pool if country in LOCAL_TITLES.get(t, country)]
    return rng.choice(fits)


def written(company: Company | None, rng: random.Random, p_variant: float = 0.2) -> str:
    """The company as one row of one file writes it (case, suffix and full stop vary)."""
    if company is None:
        return ""
    if company.fixed_spelling or rng.random() >= p_variant:
        return company.name
    return variant(company, rng.randrange(5))


def variant(company: Company, which: int) -> str:
    """One of five spellings: canonical, ``NORDVIK Transport``, ``... AB.``, lower, bare."""
    words = company.stem.split()
    return [
        company.name,
        " ".join([words[0].upper(), *words[1:], company.sector]),
        company.name + ".",
        company.name.lower(),
        f"{company.stem} {company.sector}",
    ][which]


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


class PersonFactory:
    """Makes unique invented people with LinkedIn-like slugs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[tuple[str, str]] = set(RESERVED_NAMES)
        self.slugs: set[str] = set()

    def slug_for(self, first: str, last: str) -> str:
        """A unique slug: mostly ``first-last-1a2b3c4d``, some vanity, encoded or mixed case."""
        rng = self.rng
        base = ascii_fold(f"{first}-{last}").lower().replace(" ", "-")
        roll = rng.random()
        if roll < 0.06 and base != f"{first}-{last}".lower():
            slug = urllib.parse.quote(f"{first}-{last}".lower())
        elif roll < 0.11:
            slug = f"{ascii_fold(first)}{ascii_fold(last)}" + rng.choice(
                ["", str(rng.randint(1, 99))]
            )
        elif roll < 0.25:
            slug = base
        else:
            slug = f"{base}-{rng.getrandbits(32):08x}"
        while slug in self.slugs:
            slug = f"{slug}-{rng.getrandbits(16):04x}"
        self.slugs.add(slug)
        return slug

    def email_for(self, first: str, last: str, company: Company | None) -> str:
        """A work address on the company domain, else an obviously invented private one."""
        local = ascii_fold(f"{first}.{last}").lower().replace(" ", "")
        if company is not None and self.rng.random() < 0.7:
            return f"{local}@{company.domain}"
        return f"{local}@mail.example.org"

    def make(
        self,
        company: Company | None,
        title: str,
        *,
        country: str | None = None,
        name: tuple[str, str] | None = None,
        slug: str | None = None,
    ) -> Person:
        """A new person; a random unused name unless one is given."""
        rng = self.rng
        if country is None:
            base = company.country if company is not None and rng.random() < 0.8 else None
            country = base or weighted(rng, list(COUNTRY_WEIGHTS.items()))
            if country == "UK":
                country = "SE"
        if name is None:
            while True:
                name = (
                    rng.choice(FIRST_NAMES[country].split()),
                    rng.choice(LAST_NAMES[country].split()),
                )
                if name not in self.names:
                    break
        self.names.add(name)
        if slug is None:
            slug = self.slug_for(*name)
        self.slugs.add(slug)
        return Person(
            name[0], name[1], country, slug, company, title, self.email_for(*name, company)
        )


def make_people(
    rng: random.Random, companies: list[Company], named: dict[str, Company]
) -> tuple[World, PersonFactory]:
    """All people, who is connected to which member, and the planned reach per account."""
    pf = PersonFactory(rng)
    fjordlys = named["fjordlys"]
    members = {
        "Lina": pf.make(
            fjordlys,
            "Senior Account Executive",
            country="SE",
            name=("Lina", "Ahl"),
            slug="lina-ahl-3b7a21c4",
        ),
        "Oskar": pf.make(
            fjordlys,
            "Account Executive",
            country="SE",
            name=("Oskar", "Nyberg"),
            slug="oskar-nyberg-8f1e02",
        ),
        "Erik": pf.make(
            fjordlys,
            "Business Developer",
            country="SE",
            name=("Erik", "Sandberg"),
            slug="eriksandberg",
        ),
        "Maja": pf.make(
            fjordlys,
            "Head of Sales",
            country="SE",
            name=("Maja", "Holm"),
            slug="maja-holm-51c0aa7e",
        ),
    }
    people: list[Person] = []

    def add(person: Person, *who: str) -> Person:
        person.members.update(who)
        people.append(person)
        return person

    nordvik, tellus = named["nordvik"], named["tellus"]
    specials = {
        "per": add(
            pf.make(
                nordvik,
                "Key Account Manager",
                country="SE",
                name=("Per", "Moberg"),
                slug="per-moberg-77c3e1a0",
            ),
            "Lina",
        ),
        "sofia": add(pf.make(nordvik, "CFO", country="SE", name=("Sofia", "Wall"))),
        "jon": add(
            pf.make(tellus, "Partner", country="SE", name=("Jon", "Rask"), slug="JonRask"),
            "Lina",
            "Oskar",
        ),
        "jorg": add(
            pf.make(
                named["kvartsvik"],
                "Solution Architect",
                country="DE",
                name=("Jörg", "Müller"),
                slug="j%C3%B6rg-m%C3%BCller",
            ),
            "Lina",
            "Maja",
        ),
        "anna1": add(
            pf.make(named["havsbris"], "Controller", country="SE", name=("Anna", "Andersson")),
            "Lina",
        ),
        "anna2": add(
            pf.make(
                rng.choice(companies[10:60]),
                "Marketing Manager",
                country="SE",
                name=("Anna", "Andersson"),
            ),
            "Oskar",
            "Maja",
        ),
    }
    specials["sofia"].buyer = True
    specials["sofia"].email = "sofia.wall@nordviktransport.se"
    specials["per"].spelling = nordvik.name
    specials["per"].email = "per.moberg@nordviktransport.se"
    # Nordvik insiders, written four different ways across the files.
    for which, who in zip((1, 2, 3), ("Oskar", "Maja", "Lina"), strict=True):
        add(
            pf.make(nordvik, title_for(rng, nordvik, INSIDER_TITLES), country="SE"), who
        ).spelling = variant(nordvik, which)
    targets = [c for c in companies if c.target]
    add_insiders(rng, pf, targets, add, nordvik)
    add_buyers(rng, pf, targets, add, specials["sofia"])
    for _ in range(18):
        add(
            pf.make(fjordlys, title_for(rng, fjordlys, GENERAL_TITLES[:-1])),
            *rng.sample(list(members), rng.randint(1, 3)),
        )
    for key in ("kvartsvik", "havsbris"):
        for _ in range(9):
            add(
                pf.make(named[key], title_for(rng, named[key], GENERAL_TITLES[:-1])),
                "Lina",
                *(["Oskar"] if rng.random() < 0.2 else []),
            )
    add_outsiders(rng, pf, companies, add, total=1915 - len(people))
    assign_members(rng, people, members)
    connected_on = connection_dates(rng, people, members)
    return World(companies, people, members, connected_on, specials), pf


def add_insiders(
    rng: random.Random, pf: PersonFactory, targets: list[Company], add, nordvik: Company
) -> None:
    """Members' contacts who work at direct/internal target accounts (none at external/cold)."""
    for company in targets:
        if company.reach not in ("direct", "internal"):
            continue
        n = max(1, min(25, round(company.size**0.4 / 2.2)))
        if company is nordvik:
            n = 5
        elif rng.random() < 0.2:
            n = 1
        for _ in range(n):
            add(pf.make(company, title_for(rng, company, INSIDER_TITLES)))


def add_buyers(
    rng: random.Random, pf: PersonFactory, targets: list[Company], add, sofia: Person
) -> None:
    """80 named buyers; direct accounts get one or two who are members' connections."""
    counts: dict[str, int] = {c.name: 0 for c in targets}
    internal = [
        c for c in targets if c.reach == "internal" and c.stem not in ("Nordvik", "Kullaberg")
    ]
    no_buyer = {c.name for c in rng.sample(internal, 4)}
    for c in targets:
        if c.name not in no_buyer:
            counts[c.name] = 1
    counts[sofia.company.name] = 2  # Sofia Wall plus one more
    growable = [
        c
        for c in targets
        if c.reach != "external" and c.name not in no_buyer and c is not sofia.company
    ]
    while sum(counts.values()) < 80:
        c = rng.choices(growable, [math.sqrt(x.size) for x in growable])[0]
        if counts[c.name] < 4:
            counts[c.name] += 1
    direct_members = iter(
        [("Lina",), ("Oskar",), ("Maja",), ("Erik",), ("Lina", "Oskar"), ("Maja",)]
    )
    for company in targets:
        n = counts[company.name] - (1 if company is sofia.company else 0)
        titles = rng.sample(
            BUYER_TITLES[company.country], min(n, len(BUYER_TITLES[company.country]))
        )
        titles += ["CFO"] * (n - len(titles))
        if company is sofia.company:
            titles = ["Head of Procurement"]
        known = 0
        for i, title in enumerate(titles):
            p = add(pf.make(company, title))
            p.buyer = True
            p.email = f"{ascii_fold(p.first + '.' + p.last).lower()}@{company.domain}"
            if company.reach == "direct" and (
                i == 0 or (i == 1 and known == 1 and rng.random() < 0.5)
            ):
                p.members.update(next(direct_members, ("Lina",)))
                known += 1


def add_outsiders(
    rng: random.Random, pf: PersonFactory, companies: list[Company], add, total: int
) -> None:
    """Contacts at non-target companies (Zipf-ish) or with no company at all."""
    pool = sorted(
        (c for c in companies if not c.target and c.stem != "Fjordlys"), key=lambda c: -c.size
    )
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(pool))]
    for _ in range(total):
        if rng.random() < 0.09:
            add(pf.make(None, ""))
        else:
            company = rng.choices(pool, weights)[0]
            title = "" if rng.random() < 0.03 else title_for(rng, company, GENERAL_TITLES)
            add(pf.make(company, title))


def assign_members(rng: random.Random, people: list[Person], members: dict[str, Person]) -> None:
    """Give every unassigned connection contact one to three members, filling capacities."""
    capacity = {"Lina": 712, "Oskar": 512, "Erik": 455, "Maja": 405}
    for p in people:
        for m in p.members:
            capacity[m] -= 1
    free = [p for p in people if not p.members and not p.buyer]
    free = [p for p in free if p.company is None or p.company.reach not in ("external", "cold")]
    rng.shuffle(free)
    for i, p in enumerate(free):
        k = 3 if i < 30 else 2 if i < 250 else 1
        names = list(capacity)
        chosen: list[str] = []
        for _ in range(k):
            w = [max(capacity[n], 1) if n not in chosen else 0 for n in names]
            chosen.append(rng.choices(names, w)[0])
        for m in chosen:
            capacity[m] -= 1
        p.members.update(chosen)


def connection_dates(
    rng: random.Random, people: list[Person], members: dict[str, Person]
) -> dict[tuple[str, str], datetime]:
    """When each member connected to each contact, within the span their export can show."""
    spans = {
        "Lina": (datetime(2011, 6, 1), datetime(2026, 10, 28, 18)),
        "Oskar": (datetime(2013, 9, 1), datetime(2023, 9, 10, 18)),
        "Erik": (datetime(2009, 3, 1), datetime(2019, 4, 8, 18)),
        "Maja": (datetime(2012, 1, 1), datetime(2025, 5, 30, 18)),
    }
    out: dict[tuple[str, str], datetime] = {}
    for p in people:
        for m in sorted(p.members):
            out[(m, p.slug)] = between(rng, *spans[m])
    out[("Lina", "per-moberg-77c3e1a0")] = datetime(2019, 8, 20, 14, 2, 11)
    pairs = {
        ("Lina", "Erik"): datetime(2018, 3, 12, 16, 5),
        ("Lina", "Oskar"): datetime(2021, 1, 15, 9, 41),
        ("Lina", "Maja"): datetime(2022, 5, 9, 11, 20),
        ("Oskar", "Maja"): datetime(2021, 2, 3, 8, 55),
    }
    for (a, b), when in pairs.items():
        out[(a, members[b].slug)] = when
        out[(b, members[a].slug)] = when
    return out


# --------------------------------------------------------------------------------------------
# LinkedIn: Connections.csv in three eras
# --------------------------------------------------------------------------------------------

PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
EXPORT_DATES = {
    "Lina": datetime(2026, 10, 31, 7, 12, 40),
    "Oskar": datetime(2023, 9, 14, 19, 3, 2),
    "Erik": datetime(2019, 4, 10, 12, 30, 0),
    "Maja": datetime(2025, 6, 2, 8, 15, 0),
}


def connections_of(world: World, member: str) -> list[tuple[Person, datetime]]:
    """A member's connections (contacts and fellow members), newest first, as exports sort."""
    rows = [
        (p, world.connected_on[(member, p.slug)])
        for p in [*world.people, *world.members.values()]
        if (member, p.slug) in world.connected_on
        and (member in p.members or p in world.members.values())
    ]
    return sorted(rows, key=lambda r: r[1], reverse=True)


def padded(value: str, rng: random.Random, p: float = 0.015) -> str:
    """Sometimes add the leading/trailing spaces real exports carry."""
    if value and rng.random() < p:
        return rng.choice([f" {value}", f"{value} ", f"  {value} "])
    return value


def connection_row(p: Person, rng: random.Random, email_rate: float) -> list[str]:
    """First Name, Last Name, Email Address, Company, Position (URL is added by the caller)."""
    company = p.spelling or written(p.company, rng)
    email = p.email if rng.random() < email_rate else ""
    return [
        padded(p.first, rng, 0.005),
        padded(p.last, rng, 0.005),
        email,
        padded(company, rng),
        padded(p.title, rng),
    ]


def modern_connections(
    world: World, member: str, rng: random.Random, email_rate: float, hidden: int
) -> str:
    """2023-2026 Connections.csv: preamble, URL column, ``08 Feb 2023``, no final newline."""
    rows = []
    for p, when in connections_of(world, member):
        first, last, email, company, title = connection_row(p, rng, email_rate)
        rows.append([first, last, p.url, email, company, title, fmt_modern(when)])
    for _ in range(hidden):
        when = between(rng, datetime(2021, 1, 1), datetime(2025, 1, 1))
        index = next(
            (i for i, r in enumerate(rows) if r[6] and datetime.strptime(r[6], "%d %b %Y") < when),
            len(rows),
        )
        rows.insert(index, ["", "", "", "", "", "", fmt_modern(when)])
    header = columns("First Name,Last Name,URL,Email Address,Company,Position,Connected On")
    return PREAMBLE + csv_text(header, rows, final_newline=False)


def legacy_connections(world: World, member: str, rng: random.Random) -> str:
    """2018 Connections.csv: no preamble, no URL, ``3/12/18, 4:05 PM`` dates, ~8 % e-mails."""
    rows = []
    for p, when in connections_of(world, member):
        rows.append([*connection_row(p, rng, 0.08), fmt_us_short(when)])
    header = columns("First Name,Last Name,Email Address,Company,Position,Connected On")
    return csv_text(header, rows)


def excel_connections(world: World, member: str, rng: random.Random) -> bytes:
    """Connections.csv re-saved by Excel in sv-SE: cp1252, ``;``, CRLF, ``9-May-22``."""
    rows = []
    for p, when in connections_of(world, member):
        first, last, email, company, title = connection_row(p, rng, 0.02)
        rows.append([first, last, p.url, email, company, title, fmt_excel(when)])
    header = columns("First Name,Last Name,URL,Email Address,Company,Position,Connected On")
    return csv_text(header, rows, delimiter=";", newline="\r\n").encode("cp1252")


# --------------------------------------------------------------------------------------------
# LinkedIn: messages in three eras
# --------------------------------------------------------------------------------------------


@dataclass
class Message:
    """One message of one conversation; ``sender`` None means ``LinkedIn Member``."""

    conversation: str
    title: str
    sender: Person | None
    recipients: list[Person]
    when: datetime
    content: str
    subject: str = ""
    folder: str = "INBOX"
    attachments: str = ""


def conversation_id(rng: random.Random) -> str:
    """An opaque id shaped like LinkedIn's (``2-`` + base64)."""
    return "2-" + base64.b64encode(rng.randbytes(30)).decode()


def content_for(rng: random.Random, sender: Person, recipient: Person) -> str:
    """Bland invented text, sometimes over several lines."""
    if rng.random() < 0.02:
        return rng.choice(MULTILINE).format(first=recipient.first, me=sender.first)
    return rng.choice(MESSAGES)


def spread(rng: random.Random, first: datetime, last: datetime, n: int) -> list[datetime]:
    """n instants from first to last, the last one exactly ``last``."""
    return [*sorted(between(rng, first, last) for _ in range(n - 1)), last]


def thread_with(
    rng: random.Random,
    owner: Person,
    other: Person,
    n: int,
    first: datetime,
    last: datetime,
    style: str,
) -> list[Message]:
    """A 1:1 conversation of n messages; style is ``both``, ``in`` or ``out``."""
    cid = conversation_id(rng)
    p_out = {"both": rng.uniform(0.3, 0.7), "in": 0.0, "out": 1.0}[style]
    messages = []
    for when in spread(rng, first, last, n):
        sender, recipient = (owner, other) if rng.random() < p_out else (other, owner)
        folder = "ARCHIVE" if rng.random() < 0.08 else "INBOX"
        messages.append(
            Message(
                cid,
                "",
                sender,
                [recipient],
                when,
                content_for(rng, sender, recipient),
                folder=folder,
            )
        )
    if style == "both" and n > 1 and all(m.sender is owner for m in messages):
        messages[0].sender, messages[0].recipients = other, [owner]
    return messages


def owner_threads(
    rng: random.Random,
    world: World,
    member: str,
    n_contacts: int,
    end: datetime,
    fixed: dict[str, tuple[int, datetime, str]],
) -> list[Message]:
    """1:1 threads between a member and n of their connections; ``fixed`` pins some by slug."""
    owner = world.members[member]
    contacts = [p for p, _ in connections_of(world, member) if p not in world.members.values()]
    chosen = [p for p in contacts if p.slug in fixed]
    others = [p for p in contacts if p.slug not in fixed]
    chosen += rng.sample(others, n_contacts - len(chosen))
    messages: list[Message] = []
    for i, p in enumerate(chosen):
        connected = world.connected_on[(member, p.slug)]
        if p.slug in fixed:
            n, last, style = fixed[p.slug]
        else:
            n = 60 if i == len(fixed) else min(60, max(1, round(rng.lognormvariate(0.7, 1.0))))
            style = (
                rng.choice(["both", "both", "both", "in", "out"])
                if n > 1
                else rng.choice(["in", "out"])
            )
            days = 2 + 1093 * rng.random() ** 2
            last = end - timedelta(days=days, seconds=rng.randint(0, 80000))
            if last <= connected:
                last = between(rng, connected + timedelta(hours=1), end - timedelta(days=2))
        first = max(connected + timedelta(minutes=5), last - timedelta(days=rng.randint(20, 1500)))
        messages += thread_with(rng, owner, p, n, min(first, last), last, style)
    return messages


def group_threads(rng: random.Random, world: World, member: str, end: datetime) -> list[Message]:
    """Two group conversations and a few rows from ``LinkedIn Member`` (empty sender URL)."""
    owner = world.members[member]
    contacts = [p for p, _ in connections_of(world, member) if p not in world.members.values()]
    messages: list[Message] = []
    for title, size in (("Nordic logistics round table", 3), ("", 2)):
        cid = conversation_id(rng)
        people = [owner, *rng.sample(contacts, size)]
        last = end - timedelta(days=rng.randint(20, 400))
        for when in spread(rng, last - timedelta(days=30), last, rng.randint(4, 8)):
            sender = rng.choice(people)
            recipients = [p for p in people if p is not sender]
            messages.append(Message(cid, title, sender, recipients, when, rng.choice(MESSAGES)))
    for folder in ("INBOX", "SPAM", "INBOX"):
        when = end - timedelta(days=rng.randint(10, 700), seconds=rng.randint(0, 80000))
        text = "Hi, I came across your profile and would love to connect about an opportunity."
        messages.append(Message(conversation_id(rng), "", None, [owner], when, text, folder=folder))
    return messages


def ordered(messages: list[Message]) -> list[Message]:
    """Conversations newest first, messages newest first within each, as exports list them."""
    latest: dict[str, datetime] = {}
    for m in messages:
        latest[m.conversation] = max(latest.get(m.conversation, m.when), m.when)
    return sorted(
        messages, key=lambda m: (latest[m.conversation], m.conversation, m.when), reverse=True
    )


def message_row(m: Message, with_urls: bool) -> list[str]:
    """The common columns of the 2023+ message exports."""
    sender = m.sender.full if m.sender else "LinkedIn Member"
    row = [m.conversation, m.title, sender, m.sender.url if m.sender else ""]
    row.append(", ".join(p.full for p in m.recipients))
    if with_urls:
        row.append(",".join(p.url for p in m.recipients))
    return [*row, fmt_utc(m.when), m.subject, m.content, m.folder]


def messages_2026(messages: list[Message]) -> str:
    """2026 form: every field quoted (header too), ATTACHMENTS column, LF."""
    header = columns(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
        "DATE,SUBJECT,CONTENT,FOLDER,ATTACHMENTS"
    )
    rows = [[*message_row(m, True), m.attachments] for m in ordered(messages)]
    return csv_text(header, rows, quote_all=True)


def messages_2023(messages: list[Message]) -> str:
    """2023-25 form: plain header, minimal quoting, no ATTACHMENTS."""
    header = columns(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
        "DATE,SUBJECT,CONTENT,FOLDER"
    )
    return csv_text(header, [message_row(m, True) for m in ordered(messages)])


def messages_2018(messages: list[Message], owner: Person) -> str:
    """2018 form: names instead of URLs, month-first dates, explicit Direction."""
    rows = []
    for m in sorted(messages, key=lambda m: m.when, reverse=True):
        sender = m.sender.full if m.sender else "LinkedIn Member"
        direction = "OUTGOING" if m.sender is owner else "INCOMING"
        to = ", ".join(p.full for p in m.recipients)
        rows.append([sender, to, fmt_us_short(m.when), m.subject, m.content, direction, m.folder])
    return csv_text(columns("From,To,Date,Subject,Content,Direction,Folder"), rows)


# --------------------------------------------------------------------------------------------
# LinkedIn: the other files of an export
# --------------------------------------------------------------------------------------------


def invitations(rng: random.Random, world: World, member: str, end: datetime) -> str:
    """Pending invitations (to and from non-target outsiders who are not connections)."""
    owner = world.members[member]
    pool = [
        p
        for p in world.people
        if member not in p.members and p.members and (p.company is None or not p.company.target)
    ]
    rows = []
    for other in rng.sample(pool, 16):
        outgoing = rng.random() < 0.6
        when = end - timedelta(days=rng.randint(1, 170), seconds=rng.randint(0, 80000))
        text = rng.choice(["", "", f"Hi {other.first}, great to meet you at the Nordic SaaS day!"])
        a, b = (owner, other) if outgoing else (other, owner)
        rows.append(
            [a.full, b.full, when, text, "OUTGOING" if outgoing else "INCOMING", a.url, b.url]
        )
    rows.sort(key=lambda r: r[2], reverse=True)
    rows = [[*r[:2], fmt_us_short(r[2]), *r[3:]] for r in rows]
    header = columns("From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl")
    return csv_text(header, rows)


def endorsements(rng: random.Random, world: World, member: str, per: Person, given: bool) -> str:
    """Endorsements received or given, URLs without scheme, ``2023/04/02 10:11:12 UTC``."""
    contacts = [p for p, _ in connections_of(world, member) if p not in world.members.values()]
    people = [per, *rng.sample([p for p in contacts if p is not per], 14 if given else 21)]
    rows = []
    for p in people:
        for skill in rng.sample(SKILLS, rng.randint(1, 3)):
            when = between(rng, world.connected_on[(member, p.slug)], EXPORT_DATES[member])
            rows.append((when, skill, p))
    rows.sort(key=lambda r: r[0], reverse=True)
    out = [
        [
            w.strftime("%Y/%m/%d %H:%M:%S UTC"),
            s,
            p.first,
            p.last,
            "www.linkedin.com/in/" + p.slug,
            "ACCEPTED",
        ]
        for w, s, p in rows
    ]
    who = "Endorsee" if given else "Endorser"
    header = [
        "Endorsement Date",
        "Skill Name",
        f"{who} First Name",
        f"{who} Last Name",
        f"{who} Public Url",
    ]
    return csv_text([*header, "Endorsement Status"], out)


def recommendations(rng: random.Random, people: list[Person], texts: list[str], member: str) -> str:
    """A few recommendations (First Name,Last Name,Company,Job Title,Text,Creation Date,Status)."""
    rows = []
    for p, text in zip(people, texts, strict=True):
        when = between(rng, datetime(2020, 1, 1), EXPORT_DATES[member] - timedelta(days=30))
        rows.append(
            [
                p.first,
                p.last,
                p.company.name if p.company else "",
                p.title,
                text,
                fmt_us_short(when),
                "VISIBLE",
            ]
        )
    header = columns("First Name,Last Name,Company,Job Title,Text,Creation Date,Status")
    return csv_text(header, rows)


def profile(p: Person, headline: str, summary: str, geo: str, zip_code: str) -> str:
    """Profile.csv: the owner's own profile; there is no URL column."""
    header = columns(
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
        "Geo Location,Twitter Handles,Websites,Instant Messengers"
    )
    row = [
        p.first,
        p.last,
        "",
        "",
        "",
        headline,
        summary,
        "Software Development",
        zip_code,
        geo,
        "",
        "",
        "",
    ]
    return csv_text(header, [row])


def positions(rows: list[tuple[str, str, str, date, date | None]]) -> str:
    """Positions.csv with ``Mon YYYY`` dates; an empty Finished On means current."""
    out = [
        [company, title, desc, "Stockholm, Sweden", fmt_month(start), fmt_month(end) if end else ""]
        for company, title, desc, start, end in rows
    ]
    return csv_text(columns("Company Name,Title,Description,Location,Started On,Finished On"), out)


# --------------------------------------------------------------------------------------------
# The four members' exports
# --------------------------------------------------------------------------------------------


def lina_export(rng: random.Random, world: World, named: dict[str, Company]) -> None:
    """lina_ahl.zip: a complete modern (2026) Basic export."""
    lina, per, jon = world.members["Lina"], world.specials["per"], world.specials["jon"]
    end = EXPORT_DATES["Lina"]
    fixed = {
        per.slug: (
            48,
            AS_OF - timedelta(days=3) + timedelta(hours=10, minutes=14, seconds=37),
            "both",
        )
    }
    recent = next(
        p for p, _ in connections_of(world, "Lina") if p.company and p.company.stem == "Kvartsvik"
    )
    fixed[recent.slug] = (
        7,
        AS_OF - timedelta(days=2) + timedelta(hours=8, minutes=2, seconds=5),
        "both",
    )
    messages = owner_threads(rng, world, "Lina", 120, end, fixed) + group_threads(
        rng, world, "Lina", end
    )
    for m in rng.sample(messages, 3):
        m.attachments = f"https://www.linkedin.com/dms/prv/attachment/{rng.getrandbits(40):x}"
    colleague = next(
        p
        for p, _ in connections_of(world, "Lina")
        if p.company is named["kvartsvik"] and p is not world.specials["jorg"]
    )
    received = recommendations(
        rng,
        [per, jon, colleague],
        [
            "Lina understands logistics, listens first and follows through.",
            'Lina ran our pilot calmly and on time; she "gets" procurement.',
            "A great colleague, and the best at onboarding new customers, period.",
        ],
        "Lina",
    )
    given_to = [p for p, _ in connections_of(world, "Lina") if p.company is named["havsbris"]][:2]
    given = recommendations(
        rng,
        given_to,
        ["A sharp analyst and a kind colleague.", "Always prepared, always helpful."],
        "Lina",
    )
    summary = (
        "I help Nordic transport and energy companies plan their fleet and field work.\n"
        "Based in Stockholm."
    )
    entries = [
        ("Connections.csv", modern_connections(world, "Lina", rng, 0.03, hidden=2)),
        ("messages.csv", messages_2026(messages)),
        ("Invitations.csv", invitations(rng, world, "Lina", end)),
        ("Endorsement_Received_Info.csv", endorsements(rng, world, "Lina", per, given=False)),
        ("Endorsement_Given_Info.csv", endorsements(rng, world, "Lina", per, given=True)),
        ("Recommendations_Received.csv", received),
        ("Recommendations_Given.csv", given),
        (
            "Profile.csv",
            profile(
                lina,
                "Senior Account Executive at Fjordlys Software AB",
                summary,
                "Stockholm, Stockholm County, Sweden",
                "114 36",
            ),
        ),
        (
            "Positions.csv",
            positions(
                [
                    (
                        "Fjordlys Software AB",
                        "Senior Account Executive",
                        "Nordic mid-market, transport and energy.",
                        date(2022, 3, 1),
                        None,
                    ),
                    (
                        "Kvartsvik Systems AB",
                        "Account Manager",
                        "",
                        date(2017, 8, 1),
                        date(2022, 2, 1),
                    ),
                    (
                        "Havsbris Data AB",
                        "Sales Development Representative",
                        "Outbound, Sweden and Norway.",
                        date(2014, 9, 1),
                        date(2017, 7, 1),
                    ),
                ]
            ),
        ),
        (
            "Rich_Media.csv",
            csv_text(
                ["Date/Time", "Media Description", "Media Link"],
                [[fmt_us_short(datetime(2024, 3, 5, 9, 12)), "Fjordlys at Logistikdagarna", ""]],
            ),
        ),
        (
            "Jobs/Saved Jobs.csv",
            csv_text(
                ["Saved Date", "Job Url", "Job Title", "Company Name"],
                [
                    [
                        fmt_us_short(datetime(2021, 11, 2, 20, 1)),
                        "",
                        "Account Executive",
                        "Fjordlys Software AB",
                    ]
                ],
            ),
        ),
    ]
    write_zip(OUT / "linkedin" / "lina_ahl.zip", entries, end)


def oskar_export(rng: random.Random, world: World, named: dict[str, Company]) -> None:
    """oskar_nyberg.zip: a 2023-era export without endorsements."""
    oskar = world.members["Oskar"]
    end = EXPORT_DATES["Oskar"]
    messages = owner_threads(rng, world, "Oskar", 55, end, {})
    past = max(
        (c for c in world.companies if not c.target and c.stem not in ("Fjordlys", "Tellus")),
        key=lambda c: c.size,
    )
    entries = [
        ("Connections.csv", modern_connections(world, "Oskar", rng, 0.03, hidden=0)),
        ("messages.csv", messages_2023(messages)),
        (
            "Profile.csv",
            profile(
                oskar,
                "Account Executive | Fjordlys Software AB",
                "",
                "Göteborg, Västra Götaland County, Sweden",
                "411 05",
            ),
        ),
        (
            "Positions.csv",
            positions(
                [
                    ("Fjordlys Software AB", "Account Executive", "", date(2021, 1, 1), None),
                    (past.name, "Inside Sales", "", date(2016, 5, 1), date(2020, 12, 1)),
                ]
            ),
        ),
    ]
    write_zip(OUT / "linkedin" / "oskar_nyberg.zip", entries, end)


def erik_export(rng: random.Random, world: World) -> None:
    """erik_sandberg_2019/: an unpacked 2018-style export folder."""
    erik = world.members["Erik"]
    folder = OUT / "linkedin" / "erik_sandberg_2019"
    messages = owner_threads(rng, world, "Erik", 35, EXPORT_DATES["Erik"], {})
    write_text(folder / "Connections.csv", legacy_connections(world, "Erik", rng))
    write_text(folder / "messages.csv", messages_2018(messages, erik))
    write_text(
        folder / "Profile.csv", profile(erik, "Business Developer", "", "Malmö, Sweden", "211 20")
    )


def maja_export(rng: random.Random, world: World) -> None:
    """maja_holm_connections_excel.csv: Connections.csv re-saved by Swedish Excel."""
    path = OUT / "linkedin" / "maja_holm_connections_excel.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(excel_connections(world, "Maja", rng))


# --------------------------------------------------------------------------------------------
# CRM exports
# --------------------------------------------------------------------------------------------

PHONES = {
    "SE": "+46 70 000 {a:02d} {b:02d}",
    "NO": "+47 400 00 {a:01d}{b:02d}",
    "DK": "+45 20 00 {a:02d} {b:02d}",
    "FI": "+358 40 000 {a:02d}{b:02d}",
    "UK": "+44 7700 900{a:01d}{b:02d}",
    "DE": "+49 151 0000 {a:02d}{b:02d}",
}


def fake_phone(rng: random.Random, country: str) -> str:
    """An obviously invented phone number (mostly zeros)."""
    return PHONES[country].format(a=rng.randint(0, 9), b=rng.randint(0, 99))


def crm_name(company: Company) -> str:
    """How the CRM spells an account."""
    return company.crm_name or company.name


def hubspot_contacts(rng: random.Random, world: World) -> str:
    """HubSpot all-properties contacts export of the named buyers."""
    buyers = sorted(
        (p for p in world.people if p.buyer), key=lambda p: (crm_name(p.company), p.last)
    )
    rng.shuffle(buyers)
    record = 51_200_000_000
    rows = []
    recased = 0
    for p in buyers:
        record += rng.randint(1, 900_000)
        first, last, company = p.first, p.last, crm_name(p.company)
        if p.members and recased < 2:  # the same person as in the connections, case differs
            company, last = (company.upper(), last) if recased == 0 else (company, last.upper())
            recased += 1
        elif rng.random() < 0.12:
            company = written(p.company, rng, 1.0)
        associated = "" if rng.random() < 0.1 else crm_name(p.company)
        phone = fake_phone(rng, p.company.country) if rng.random() < 0.7 else ""
        owner = rng.choice(["Lina Ahl", "Lina Ahl", "Oskar Nyberg", "Maja Holm", "Erik Sandberg"])
        created = AS_OF - timedelta(days=rng.randint(5, 900), minutes=rng.randint(0, 1440))
        rows.append(
            [
                str(record),
                first,
                last,
                p.email,
                phone,
                owner,
                p.title,
                company,
                associated,
                created.strftime("%Y-%m-%d %H:%M"),
            ]
        )
    header = columns(
        "Record ID,First Name,Last Name,Email,Phone Number,Contact owner,Job Title,Company Name,"
        "Associated Company,Create Date"
    )
    return csv_text(header, rows)


def target_accounts(rng: random.Random, world: World) -> str:
    """HubSpot companies export of the 40 target accounts."""
    targets = sorted((c for c in world.companies if c.target), key=lambda c: crm_name(c))
    rng.shuffle(targets)
    record = 9_800_000_000
    rows = []
    for c in targets:
        record += rng.randint(1, 400_000)
        industry = INDUSTRY.get(c.sector, "Information Technology and Services")
        stage = rng.choice(
            ["Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Opportunity"]
        )
        revenue = c.size * rng.randint(800, 2400) * 1000
        rows.append(
            [str(record), crm_name(c), c.domain, industry, str(c.size), stage, str(revenue)]
        )
    header = columns(
        "Record ID,Company name,Company Domain Name,Industry,Number of Employees,Lifecycle Stage,"
        "Annual Revenue"
    )
    return csv_text(header, rows)


KINDS = [("former colleague", 5), ("friend", 3), ("customer", 2), ("board", 1), ("advisor", 1)]


def relationships(rng: random.Random, world: World, factory: PersonFactory) -> str:
    """~150 ties between contacts: outsiders to buyers and insiders, plus background ties."""
    fjordlys = next(c for c in world.companies if c.stem == "Fjordlys")
    outsiders = [
        p
        for p in world.people
        if p.members and p.company is not fjordlys and (p.company is None or not p.company.target)
    ]
    non_targets = [c for c in world.companies if not c.target and c is not fjordlys]
    jon, sofia = world.specials["jon"], world.specials["sofia"]
    pairs: list[tuple[Person, Person, str, str]] = []

    def tie(a: Person, b: Person, kind: str | None = None, strength: str | None = None) -> None:
        kind = kind or weighted(rng, KINDS)
        if strength is None:
            strength = "" if rng.random() < 0.35 else str(round(rng.uniform(0.15, 0.95), 2))
        pairs.append((a, b, kind, strength))

    def newcomer(company: Company) -> Person:
        p = factory.make(company, title_for(rng, company, INSIDER_TITLES))
        world.people.append(p)
        return p

    external = [c for c in world.companies if c.reach == "external"]
    for i, company in enumerate(external):
        buyer = next(p for p in world.people if p.company is company and p.buyer)
        if i < 2:
            tie(jon, buyer, *(("board", "0.8"), ("advisor", ""))[i])
        for other in rng.sample(outsiders, rng.randint(1, 2) if i < 2 else rng.randint(1, 3)):
            tie(other, buyer)
    tie(jon, sofia, "former colleague", "0.6")
    for company in (c for c in world.companies if c.reach in ("internal", "direct")):
        staff = [p for p in world.people if p.company is company]
        unknown_buyers = [p for p in staff if p.buyer and not p.members]
        known_insiders = [p for p in staff if p.members and not p.buyer]
        if unknown_buyers and rng.random() < 0.7:
            tie(rng.choice(outsiders), rng.choice(unknown_buyers))
        if known_insiders and rng.random() < 0.5:
            tie(rng.choice(outsiders), rng.choice(known_insiders))
        if company.reach == "internal" and rng.random() < 0.4:
            tie(rng.choice(outsiders), newcomer(company))
    while len(pairs) < 150:
        a = rng.choice(outsiders)
        b = rng.choice(outsiders) if rng.random() < 0.6 else newcomer(rng.choice(non_targets))
        if a is not b:
            tie(a, b)
    rows = []
    for a, b, kind, strength in pairs:
        if rng.random() < 0.3:
            a, b = b, a
        a_mail = a.email if rng.random() < (0.6 if a.buyer else 0.35) else ""
        b_mail = b.email if rng.random() < (0.6 if b.buyer else 0.35) else ""
        rows.append(
            [
                a.full,
                written(a.company, rng, 0.25),
                a_mail,
                b.full,
                written(b.company, rng, 0.25),
                b_mail,
                kind,
                strength,
            ]
        )
    header = columns("a_name,a_company,a_email,b_name,b_company,b_email,kind,strength")
    return csv_text(header, rows)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def summary(world: World) -> str:
    """Which accounts are meant to be direct / internal / external / cold."""
    lines = []
    for reach in ("direct", "internal", "external", "cold"):
        names = sorted(crm_name(c) for c in world.companies if c.reach == reach)
        lines.append(f"{reach:9s} {len(names):2d}: " + "; ".join(names))
    contacts = {p.slug for p in world.people if p.members}
    lines.append(
        f"distinct people (not members): {len(world.people)}; in connections: {len(contacts)}"
    )
    return "\n".join(lines)


def main() -> None:
    """Write every sample file."""
    rng = random.Random(SEED)
    companies, named = make_companies(rng)
    world, factory = make_people(rng, companies, named)
    lina_export(rng, world, named)
    oskar_export(rng, world, named)
    erik_export(rng, world)
    maja_export(rng, world)
    crm = OUT / "crm"
    write_text(crm / "target_accounts.csv", target_accounts(rng, world))
    write_text(crm / "hubspot_contacts.csv", hubspot_contacts(rng, world))
    write_text(crm / "relationships.csv", relationships(rng, world, factory))
    print(summary(world))


if __name__ == "__main__":
    main()
