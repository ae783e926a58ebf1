"""A small built-in gazetteer of places that matter in EV news: R&D hubs, plant sites, markets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    name: str  # display name
    key: str  # normalised key, e.g. "silicon-valley"
    kind: str  # city, region, country, bloc
    country: str | None = None  # display name of the country (for cities/regions inside one)
    region: str | None = None  # macro region key, e.g. "north-america"


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9.]+", "-", folded).strip("-.")


_COUNTRIES: dict[str, tuple[str, ...]] = {
    # country: (macro region, extra aliases...)
    "China": ("asia", "mainland China", "PRC"),
    "United States": ("north-america", "US", "U.S.", "USA", "the US", "America"),
    "Canada": ("north-america",),
    "Mexico": ("north-america",),
    "Brazil": ("latin-america",),
    "Chile": ("latin-america",),
    "Colombia": ("latin-america",),
    "Argentina": ("latin-america",),
    "Peru": ("latin-america",),
    "Germany": ("europe",),
    "France": ("europe",),
    "Italy": ("europe",),
    "Spain": ("europe",),
    "Portugal": ("europe",),
    "United Kingdom": ("europe", "UK", "U.K.", "Britain", "Great Britain"),
    "Ireland": ("europe",),
    "Netherlands": ("europe", "the Netherlands"),
    "Belgium": ("europe",),
    "Luxembourg": ("europe",),
    "Switzerland": ("europe",),
    "Austria": ("europe",),
    "Norway": ("europe",),
    "Sweden": ("europe",),
    "Denmark": ("europe",),
    "Finland": ("europe",),
    "Iceland": ("europe",),
    "Poland": ("europe",),
    "Hungary": ("europe",),
    "Czech Republic": ("europe", "Czechia"),
    "Slovakia": ("europe",),
    "Romania": ("europe",),
    "Greece": ("europe",),
    "Turkey": ("europe", "Türkiye"),
    "Russia": ("europe",),
    "Ukraine": ("europe",),
    "Israel": ("middle-east",),
    "Saudi Arabia": ("middle-east",),
    "United Arab Emirates": ("middle-east", "UAE", "the UAE"),
    "Qatar": ("middle-east",),
    "Kuwait": ("middle-east",),
    "Bahrain": ("middle-east",),
    "Oman": ("middle-east",),
    "Jordan": ("middle-east",),
    "Egypt": ("africa",),
    "Morocco": ("africa",),
    "South Africa": ("africa",),
    "Nigeria": ("africa",),
    "Kenya": ("africa",),
    "Algeria": ("africa",),
    "Kazakhstan": ("central-asia",),
    "Uzbekistan": ("central-asia",),
    "Azerbaijan": ("central-asia",),
    "Georgia": ("central-asia",),
    "India": ("south-asia",),
    "Pakistan": ("south-asia",),
    "Sri Lanka": ("south-asia",),
    "Bangladesh": ("south-asia",),
    "Nepal": ("south-asia",),
    "Japan": ("asia",),
    "South Korea": ("asia", "Korea"),
    "Taiwan": ("asia",),
    "Hong Kong": ("asia",),
    "Macau": ("asia",),
    "Singapore": ("southeast-asia",),
    "Malaysia": ("southeast-asia",),
    "Thailand": ("southeast-asia",),
    "Indonesia": ("southeast-asia",),
    "Vietnam": ("southeast-asia",),
    "Philippines": ("southeast-asia", "the Philippines"),
    "Cambodia": ("southeast-asia",),
    "Australia": ("oceania",),
    "New Zealand": ("oceania",),
}

_CITIES: dict[str, tuple[str, ...]] = {
    # city or sub-national region: (country, extra aliases...)
    "Silicon Valley": ("United States", "the Bay Area", "Bay Area"),
    "San Diego": ("United States",),
    "San Francisco": ("United States",),
    "San Jose": ("United States",),
    "Santa Clara": ("United States",),
    "Palo Alto": ("United States",),
    "Mountain View": ("United States",),
    "Sunnyvale": ("United States",),
    "Los Angeles": ("United States",),
    "Irvine": ("United States",),
    "Detroit": ("United States",),
    "Austin": ("United States",),
    "Seattle": ("United States",),
    "Boston": ("United States",),
    "California": ("United States",),
    "Texas": ("United States",),
    "Michigan": ("United States",),
    "Munich": ("Germany", "München"),
    "Berlin": ("Germany",),
    "Frankfurt": ("Germany",),
    "Stuttgart": ("Germany",),
    "Ingolstadt": ("Germany",),
    "Wolfsburg": ("Germany",),
    "Düsseldorf": ("Germany", "Dusseldorf"),
    "Paris": ("France",),
    "London": ("United Kingdom",),
    "Oxford": ("United Kingdom",),
    "Coventry": ("United Kingdom",),
    "Amsterdam": ("Netherlands",),
    "Gothenburg": ("Sweden",),
    "Stockholm": ("Sweden",),
    "Oslo": ("Norway",),
    "Budapest": ("Hungary",),
    "Szeged": ("Hungary",),
    "Debrecen": ("Hungary",),
    "Barcelona": ("Spain",),
    "Zaragoza": ("Spain",),
    "Valencia": ("Spain",),
    "Komárom": ("Hungary", "Komarom"),
    "Izmir": ("Turkey", "İzmir"),
    "Istanbul": ("Turkey",),
    "Kedah": ("Malaysia",),
    "Doha": ("Qatar",),
    "Milan": ("Italy",),
    "Turin": ("Italy",),
    "Tel Aviv": ("Israel",),
    "Tokyo": ("Japan",),
    "Yokohama": ("Japan",),
    "Seoul": ("South Korea",),
    "Bangkok": ("Thailand",),
    "Rayong": ("Thailand",),
    "Jakarta": ("Indonesia",),
    "Kuala Lumpur": ("Malaysia",),
    "Bangalore": ("India", "Bengaluru"),
    "Dubai": ("United Arab Emirates",),
    "Abu Dhabi": ("United Arab Emirates",),
    "Riyadh": ("Saudi Arabia",),
    "Cairo": ("Egypt",),
    "Almaty": ("Kazakhstan",),
    "Sao Paulo": ("Brazil", "São Paulo"),
    "Camaçari": ("Brazil", "Camacari"),
    "Beijing": ("China",),
    "Shanghai": ("China",),
    "Shenzhen": ("China",),
    "Guangzhou": ("China",),
    "Hangzhou": ("China",),
    "Hefei": ("China",),
    "Wuhan": ("China",),
    "Changzhou": ("China",),
    "Chongqing": ("China",),
    "Chengdu": ("China",),
    "Nanjing": ("China",),
    "Suzhou": ("China",),
    "Ningbo": ("China",),
    "Ningde": ("China",),
    "Xi'an": ("China", "Xian"),
    "Changsha": ("China",),
    "Tianjin": ("China",),
    "Zhaoqing": ("China",),
    "Changchun": ("China",),
    "Baoding": ("China",),
    "Wuhu": ("China",),
}

_REGIONS: dict[str, tuple[str, ...]] = {
    "North America": ("north-america", "North American"),
    "Europe": ("europe", "European"),
    "Southeast Asia": ("southeast-asia",),
    "Middle East": ("middle-east", "the Middle East"),
    "Latin America": ("latin-america", "South America"),
    "Central Asia": ("central-asia",),
    "Asia-Pacific": ("asia", "Asia Pacific", "APAC"),
    "Africa": ("africa",),
    "Oceania": ("oceania",),
}

PLACES: dict[str, Place] = {}
for _country, (_region, *_aliases) in _COUNTRIES.items():
    _place = Place(_country, slug(_country), "country", _country, _region)
    for _name in (_country, *_aliases):
        PLACES[_name] = _place
for _city, (_country_name, *_aliases) in _CITIES.items():
    _place = Place(_city, slug(_city), "city", _country_name, _COUNTRIES[_country_name][0])
    for _name in (_city, *_aliases):
        PLACES[_name] = _place
for _reg, (_key, *_aliases) in _REGIONS.items():
    _place = Place(_reg, _key, "region", None, _key)
    for _name in (_reg, *_aliases):
        PLACES[_name] = _place

_PLACE_RE = re.compile(
    r"(?<![\w])(?:"
    + "|".join(re.escape(name) for name in sorted(PLACES, key=len, reverse=True))
    + r")(?![\w])"
)


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    place: Place


def find_places(text: str) -> list[PlaceMention]:
    """Places in ``text``; a country right after a city ("Munich, Germany") is folded into the city."""
    found: list[PlaceMention] = []
    for match in _PLACE_RE.finditer(text):
        name = match.group()
        place = PLACES[name]
        if name in {
            "US",
            "UK",
            "America",
            "Georgia",
            "Jordan",
            "Turkey",
            "Korea",
            "Austin",
        } and not _looks_like_place(text, match.start()):
            continue
        if found and (place.kind == "country" or place.name in _STATES):
            previous = found[-1]
            gap = text[previous.end : match.start()]
            parent = place.name if place.kind == "country" else place.country
            if (
                gap.strip() == ","
                and previous.place.country == parent
                and previous.place.kind == "city"
                and previous.place.name not in _STATES
            ):
                found[-1] = PlaceMention(previous.start, previous.end, previous.place)
                continue
        found.append(PlaceMention(match.start(), match.end(), place))
    return found


_STATES = {"California", "Texas", "Michigan", "Kedah"}


def _looks_like_place(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start].lower()
    return bool(re.search(r"\b(?:in|the|to|into|from|across|and|,)\s*$", before))
