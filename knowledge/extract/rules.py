"""The offline, deterministic rule-based extractor.

Pipeline per article: split sentences (exact offsets), find entity mentions (gazetteer aliases),
places, dates and numbers per sentence, then run one pattern family per property. Each claim's
quote is the whole sentence (``doc.body[start:end]``). The subject of a claim is the nearest
tracked company before the trigger in the sentence (a coordinated list "Nio and Xpeng" gives
several), else the first one after it, else the subject carried from earlier sentences ("the
company", "its", or no company named at all).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from knowledge.dates import PartialDate
from knowledge.extract.base import ArticleDoc, ClaimDraft, DevelopmentDraft, Extraction, UnknownOrg
from knowledge.extract.mentions import Mention, matcher_for
from knowledge.extract.numbers import Number, find_numbers
from knowledge.extract.places import PLACES, Place, PlaceMention, find_places, slug
from knowledge.extract.sentences import split_sentences
from knowledge.extract.temporal import DateMatch, find_dates, find_weekday
from knowledge.extract.topics import classify
from knowledge.gazetteer import Gazetteer
from knowledge.values import DateValue, Quantity, Text, Value
from knowledge.vocabulary import PROPERTIES

SUBJECT_TYPES = {"company", "brand"}
_PLACES_BY_KEY: dict[str, Place] = {place.key: place for place in PLACES.values()}

# --------------------------------------------------------------------------- shared regexes
_LOW = "a-zà-öø-ÿ"
_NAME = rf"(?P<name>[A-Z][{_LOW}]+(?:-[A-Za-z][{_LOW}]+)?(?:\s+[A-Z][{_LOW}]+(?:-[{_LOW}]+)?){{1,2}})"
_NOT_SUBJECT_BEFORE = re.compile(
    r"(?:\bfrom|\bthan|\blike|\bincluding|\bsuch as|\bto|\bwith|\bagainst|\bversus|\bvs\.|\brivals?|\bpeers?"
    r"|\bbeat|\boutsold|\bon|\bat|\bby)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(r"(?:’s|'s)?\s*(?:,|,?\s*and|&|,\s*and)\s*$")
_ASIDE = re.compile(
    r"\s*(?:By comparison|In comparison|By contrast|In contrast|Rivals?\b|Competitors?\b|Other\s)", re.I
)
_LEADING_PRONOUN = re.compile(
    r"\s*(?:The (?:company|group|firm|carmaker|automaker|startup|brand|EV maker)|It|Its)\b"
)
_PRONOUN = re.compile(
    r"\b(?:the company|the automaker|the carmaker|the firm|the group|the startup|the EV maker|its|it|the brand)\b",
    re.IGNORECASE,
)

_RD_NOUN = re.compile(
    r"\b(?P<noun>(?:(?:AI|artificial intelligence|autonomous driving|smart driving|software|design|technology|"
    r"innovation|engineering|overseas|global|first|new|second)\s+)*(?:R&D|research(?:\s+and\s+development)?|"
    r"development|design|innovation|engineering|technology|tech)\s+(?:center|centre|hub|lab|laboratory|facility|"
    r"office|campus|institute|base|team|operations)s?|(?:AI\s+)?(?:lab|laboratory)s?)\b"
)
_RD_CONTEXT = re.compile(
    r"\b(?:(?:smart|autonomous|intelligent|assisted)\s+driving\s+team|R&D|research|engineers?|engineering|laborator(?:y|ies)|labs?|AI talent|development)\b"
)
_SITE_REF = re.compile(
    r"\b(?:the|this|that)\s+(?:new\s+)?(?:center|centre|lab|facility|hub|site|office|team)\b", re.I
)
_SITE_PRE_NOUN = re.compile(
    r"^\s*(?:R&D\s+|research\s+|AI\s+)?(?:center|centre|hub|lab|facility|team|office|operations)s?\b"
)
_SITE_OPS = re.compile(r"\b(?:established|opened|set up|launched|built|started|began)\s+$")
_RD_STATUS_BUILDING = re.compile(
    r"\b(?:is|are)\s+(?:setting up|building|establishing|opening|preparing)\b|\bupgrade\b.*\binto\b"
)
_RD_STATUS_PLANNED = re.compile(
    r"\b(?:plans?|planning|will|intends?|aims?)\s+(?:to\s+)?(?:open|set up|establish|build|launch)\b"
)
_OPENED_CUE = re.compile(
    r"\b(?:opened|established|set up|founded|launched|inaugurated|since|started operations|began operations|"
    r"operating since|has operated|have operated|earlier)\b"
)
_FOCUS = re.compile(
    r"\b(?:focus(?:es|ed|ing)?|concentrat(?:e|es|ed|ing)|dedicated|devoted)\s+(?:primarily\s+|mainly\s+|largely\s+|"
    r"chiefly\s+|especially\s+)?(?:on|to)\s+(?P<focus>[^.;:]+)|\bresponsible for\s+(?P<focus2>[^.;:]+)"
)
_CLAUSE_CUT = re.compile(
    r",\s*(?:the\s+company|it|he|she|they|[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)?)\s+(?:said|says|added)\b|,\s*(?:with|while|which|where|who|as|according|but|so|and\s+(?:\w+\s+){0,3}?(?:has|have|had|is|are|was|were|"
    r"will|been|being|said|says))\b|\s+(?:with|while|where)\s+\w+\s+(?:seeking|is|are)\b|\s+(?:and|but)\s+"
    r"(?:recruitment|hiring|the company|it)\b"
)
_FOCUS_TRAIL = re.compile(r"\s+(?:technolog(?:y|ies)|capabilities|solutions|work|research|development)$")

_HEADCOUNT_UNIT = re.compile(
    r"^\s*(?:people|employees|staff|engineers|researchers|members|workers|specialists)\b"
)
_TEAM_CUE = re.compile(r"\b(?:team|teams|staff|workforce|center|centre|lab|office|hub|employs|employing)s?\b")
_ROBOT_CUE = re.compile(r"\brobot(?:ics|s)?\b")

_MARKET_COUNT_UNIT = re.compile(
    r"^\s*markets\s+(?:around\s+the\s+world|worldwide|globally|abroad)\b"
    r"|^\s*(?:new\s+)?(?:overseas|international|foreign|global|export)\s+markets\b|^\s*(?:overseas\s+)?countries"
    r"(?:\s+and\s+regions)?\b"
)
_MARKET_CUE = re.compile(
    r"\b(?:including|such as|entered|enter|entering|entry into|expanded into|expand into|expanding into|"
    r"launched in|launch in|launches in|debuted in|rollouts? in|arrived in|went on sale in|on sale in|"
    r"started deliveries in|began deliveries in|begins deliveries in|markets? like|foray into|expansion into|"
    r"landed in|sells?\s+(?:(?:cars|vehicles|EVs|models)\s+)?in|selling\s+(?:cars|vehicles|EVs)\s+in|"
    r"(?:added|adds)\s+(?:\w+\s+){0,2}?|(?:launched|launches|introduced)\s+its\s+(?:[\w-]+\s+){1,4}?in"
    r"|(?:[Ii]ts|[Tt]heir|[A-Z][\w-]*(?:’s|'s))\s+(?:[\w-]+\s+){0,2}?markets\s+(?:are|include))"
    r"\s+(?:the\s+)?$"
)
_ENTRY_CUE = re.compile(
    r"\b(?:entered|entry into|expanded into|launched in|debuted in|foray into|landed in)\b"
)
_MARKET_CONTEXT = re.compile(
    r"\b(?:sells?\s+(?:(?:cars|vehicles|EVs|models)\s+)?in|selling\s+(?:cars|vehicles|EVs)\s+in|markets?|overseas|international|export|abroad|global expansion|entered|entry|"
    r"(?:launched|launches|introduced)\s+its\s+(?:[\w-]+\s+){1,4}?in)\b"
)

_PARAMS_UNIT = re.compile(r"^(?:\s*|-)(?:parameters?|params)\b")
_MODEL_WORD = re.compile(r"\bmodels?\b")
_MODEL_STOP = {
    "the", "its", "a", "an", "their", "his", "her", "our", "this", "that", "these", "of", "with", "by", "to", "in",
    "on", "for", "and", "or", "whose", "which", "than", "as", "from", "has", "have", "new", "latest", "broad",
    "first", "own", "deployed", "released", "current", "comparison", "is", "was", "will", "began", "introduced",
    "unveiled", "launched", "rolled", "out", "smaller", "larger", "each", "both", "one", "two", "same", "based",
}  # fmt: skip
_MODEL_GENERIC = {
    "ai",
    "large",
    "language",
    "business",
    "car",
    "vehicle",
    "pricing",
    "sales",
    "revenue",
    "new",
}
_MODEL_LAUNCH = re.compile(
    r"\b(?:introduced|unveiled|launched|released|debuted|announced|open-sourced|showcased|presented)\b"
)
_MODEL_ROLLOUT = re.compile(r"\b(?:rollout|roll-out|rolling out|rolled out|began pushing|pushed|OTA)\b")

_ADAS_NAME = re.compile(
    r"\b(?P<sys>(?:Qiankun\s+)?ADS\s?\d(?:\.\d)?(?:\s(?:Pro|Max|Ultra|SE))?|XNGP|XPILOT(?:\s\d(?:\.\d)?)?|"
    r"(?:City|Highway|Urban)\s+NOA|NOP\+?|NGP|FSD(?:\s+\(Supervised\))?|Full Self-Driving(?:\s+\(Supervised\))?|"
    r"Navigate on Autopilot|Autopilot|AD\s(?:Max|Pro)|God's Eye|God’s Eye|DiPilot(?:\s\d+)?|Pilot Assist|"
    r"Super Cruise|BlueCruise|Drive Pilot|Momenta\s+\d\.\d|Apollo Go|SuperVision|Pilot\s+Plus)(?![\w.])"
)
_ADAS_CUE = re.compile(
    r"\b(?:launched|rolled out|rolling out|introduced|released|unveiled|pushed|equipped with|features?|offers?|"
    r"debuted|upgraded to|began|begins|will launch|rollout|solution|system)\b"
)
_LEVEL = re.compile(r"\b(?:Level\s?(?P<a>[0-5](?:\+|\.5)?)|L(?P<b>[0-5](?:\+|\.5)?))(?![\w])")
_SCENARIO = re.compile(r"\b(?P<sc>highway|urban|city|parking|expressway|motorway)s?\b", re.IGNORECASE)
_HARDWARE_CUE = re.compile(r"\b(?:hardware|equipped|capable|ready|support(?:ing|s)?)\b")

_CEO = re.compile(
    rf"\b(?:CEO|[Cc]hief [Ee]xecutive(?:\s+[Oo]fficer)?)(?:\s+and\s+(?:co-)?(?:founder|chairman))?,?\s+{_NAME}"
)
_TITLE_NAME = re.compile(
    rf"\b(?P<title>[Cc]hief\s+[a-z]+\s+officer|CFO|CTO|COO|(?:[Ee]xecutive\s+|[Ss]enior\s+)?[Vv]ice\s+[Pp]resident|"
    rf"[Pp]resident|[Cc]hairman|[Cc]hairwoman|[Cc]hief)\s+{_NAME}"
)
_NAME_TITLE = re.compile(
    rf"{_NAME},\s+(?:the\s+company's\s+|(?P<owner>[A-Z][\w.&-]*(?:\s[A-Z][\w.&-]*)?)(?:’s|'s)\s+)"
    rf"(?P<title>(?:executive\s+|senior\s+)?vice\s+president|president|chairman|chief\s+[a-z]+\s+officer)"
)
_CEO_AFTER = re.compile(
    rf"{_NAME},\s+(?:the\s+)?(?:(?:co-)?founder\s+and\s+)?(?:CEO|chief executive(?:\s+officer)?)\s+(?:of|at)\s+"
)
_FOUNDER = re.compile(
    rf"\b(?:[Cc]o-)?[Ff]ounder(?:,?\s+chairman)?(?:,?\s+and\s+(?:CEO|chairman|chief\s+executive))?,?\s+{_NAME}"
)
_LED_BY = re.compile(
    rf"\b(?:(?P<thing>(?:[a-z][\w-]*\s+)?[a-z][\w-]*)\s+(?:is|was|are|were|will be)\s+)?(?:led|headed|run)\s+by\s+{_NAME}"
)
_FORMERLY = re.compile(
    r"\b(?:recruited|poached|hired|joined|came|comes|moved)\s+from\s+(?P<org>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,2})"
    r"|\bformerly\s+(?:of|at|with)\s+(?P<org2>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,2})"
    r"|\bpreviously\s+(?:worked|served)\s+at\s+(?P<org3>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,2})"
    r"|\b[Ff]ormer\s+(?P<org4>[A-Z][\w.&-]*)\s+(?:engineer|executive|manager|director|researcher|scientist|head)"
)
_ROLE = (
    r"(?P<role>chief\s+[a-z]+\s+officer|CEO|CFO|CTO|COO|president|vice\s+president(?:\s+of\s+[\w&-]+(?:\s+[\w&-]+){0,2})?|"
    r"senior\s+vice\s+president|head\s+of\s+[\w&-]+(?:\s+[\w&-]+){0,3}|chairman|chairwoman|general\s+manager|"
    r"director\s+of\s+[\w&-]+(?:\s+[\w&-]+){0,2}|co-president|partner)"
    r"(?=\s*[,.;]|\s+(?:at|in|for|from|effective|starting|on|after|and|to|with)\b|$)"
)
_APPOINT = (
    re.compile(
        rf"\b(?:appointed|named|hired|promoted|tapped)\s+{_NAME}\s+(?:as\s+)?(?:its\s+|the\s+)?(?:new\s+)?{_ROLE}"
    ),
    re.compile(
        rf"{_NAME}\s+(?:has\s+)?(?:joined|will\s+join|joins|has\s+been\s+appointed|was\s+appointed|was\s+named|"
        rf"has\s+been\s+named)\s+(?:\S+\s+){{0,3}}?(?:as\s+)?(?:its\s+|the\s+)?(?:new\s+)?{_ROLE}"
    ),
)
_DEPART = re.compile(
    rf"{_NAME}\s+(?:has\s+|will\s+)?(?:step(?:s|ped)?\s+down|resign(?:s|ed)?|left|leave|depart(?:s|ed)?)"
    rf"(?:\s+(?:as|from\s+(?:his|her)\s+(?:role|post|position)\s+as)\s+(?:its\s+|the\s+)?{_ROLE})?"
)
_PERSON_STOP = {"The", "This", "That", "In", "On", "At", "For", "With", "From", "By", "As", "Its", "Level"}

_HUMANOID = re.compile(
    r"\bhumanoid\s+robot,?\s+(?:called\s+|named\s+|dubbed\s+)?(?P<name>[A-Z][\w-]*(?:\s[A-Z0-9][\w-]*)?)"
    r"|\b(?P<name2>[A-Z][\w-]*)\s+humanoid\s+robot\b"
)

_DELIVERED = re.compile(
    r"\b(?:delivered|delivers|delivering|deliver|sold|shipped|handed over)\s+(?:a\s+(?:record|total)(?:\s+high)?\s+(?:of\s+)?)?"
    r"(?=(?:about|around|roughly|nearly|more than|over|some|approximately|between)?\s*\$?\d)"
)
_DELIVERIES_VERB = re.compile(
    r"\b(?:deliveries|sales|shipments)\b(?:\s+\w+){0,4}?\s+(?:reached|rose\s+to|totaled|totalled|hit|came\s+in\s+at|"
    r"were|was|climbed\s+to|fell\s+to|jumped\s+to|grew\s+to|surged\s+to|increased\s+to|dropped\s+to|stood\s+at|"
    r"peaked\s+at|(?P<floor>exceeded|passed|topped|surpassed)|"
    r"of)\s+(?:a\s+record\s+(?:of\s+)?)?(?=(?:about\s|around\s|roughly\s|nearly\s|approximately\s)?\S*\d)"
)
_VEHICLE_UNIT = re.compile(r"^\s*(?:[\w-]+\s+){0,2}?(?:vehicles|cars|units|EVs|NEVs)\b")
_YTD = re.compile(
    r"\b(?:since January|first (?:two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2}) months|"
    r"year[- ]to[- ]date|so far this year)\b",
    re.I,
)
_TARGET_OF = re.compile(r"\b(?:target|goal|guidance)\s+of\s+(?:between\s+)?(?=\S*\d)")
_ANNUAL = re.compile(r"\b(?:annual|full-year|full year|yearly)\b")
_BRAND_SPLIT = re.compile(
    r"\s+(?:brand|marque|line)\s+(?:(?:contributed|sold|delivered|added|accounted\s+for)\s+)?"
)
_CORRECTION = re.compile(
    r"\b(?:earlier version of this (?:article|story|report)|misstated|incorrectly (?:said|stated|reported))\b",
    re.I,
)
_YOY = re.compile(
    r"\b(?:year[- ]on[- ]year|year[- ]over[- ]year|yoy|(?:from|than)\s+a\s+year\s+(?:earlier|ago)|annually|"
    r"(?:on|from|over|with)\s+the\s+same\s+(?:period|month|quarter)\s+(?:of\s+)?(?:last|a|the\s+previous)\s+year|"
    r"than\s+in\s+the\s+same\s+(?:period|month|quarter)\s+a\s+year\s+earlier)\b",
    re.I,
)
_MOM = re.compile(
    r"\b(?:month[- ]on[- ]month|month[- ]over[- ]month|mom|from\s+the\s+previous\s+month|sequentially)\b",
    re.I,
)
_DOWN = re.compile(
    r"\b(?:down|fell|fall|declined?|decrease[sd]?|drop(?:ped)?|slid|slumped|lower)\b\s*(?:by\s+)?$"
)
_CHANGE_BEFORE = re.compile(
    r"\b(?:up|down|rose|rising|rise|fell|falling|declined?|grew|growth\s+of|increase\s+of|decrease\s+of|jumped|surged|"
    r"(?:a\s+)?(?:gain|rise)\s+of|"
    r"gained|climbed|dropped|slid|an?\s+increase\s+of|a\s+decrease\s+of|increased|decreased)\s*(?:by\s+)?$"
)
_TARGET = re.compile(
    r"\b(?:expects?\s+to\s+deliver|aims?\s+to\s+deliver|guidance\s+(?:of|for)|target(?:s|ed|ing)?|goal\s+of|"
    r"forecasts?|projected)\b"
)
_CUMULATIVE = re.compile(r"\bcumulative(?:ly)?\b|\bin\s+total\s+since\b|\bto\s+date\b")

_FUNDING = re.compile(
    r"\b(?:raised|raises|raising|secured|secures|closed|closes|completed|completes|received|obtained|landed|"
    r"bagged|announced)\b"
)
_ROUND = re.compile(
    r"\b(?P<round>Series\s+[A-F]\d?\+?(?:\s+extension)?|pre-Series\s+[A-F]|pre-IPO|seed|angel|strategic|"
    r"Pre-[A-F]|IPO|initial public offering|private placement|[A-F]\+?\s+round)\b",
    re.IGNORECASE,
)
_FUNDING_NOUN = re.compile(
    r"\b(?:funding|financing|investment|round|capital|IPO|initial public offering|placement)\b", re.I
)
_INVESTORS = re.compile(
    r"\b(?:led\s+by|co-led\s+by|with\s+participation\s+from|investors\s+including|backed\s+by|participation\s+of|"
    r"from\s+investors\s+including|from)\s+(?P<list>[^.;]+)"
)
_STAKE = re.compile(
    r"\b(?:acquire[sd]?|take[sn]?|took|hold(?:s|ing)?|bought|buy(?:s|ing)?|own(?:s|ing)?)\s+"
    r"(?:(?:a\s+)?(?:about\s+|roughly\s+|around\s+|nearly\s+|almost\s+)?"
    r"(?P<pct>\d+(?:\.\d+)?)\s?(?:%|percent)\s+(?:stake\s+in|of)"
    r"|(?:a|an\s+equity)\s+stake\s+of\s+(?:about\s+|roughly\s+|around\s+|nearly\s+|almost\s+)?"
    r"(?P<pct2>\d+(?:\.\d+)?)\s?(?:%|percent)\s+in)\s+"
)

_PRICE = re.compile(
    r"\b(?:priced\s+(?:from|at|starting\s+(?:from|at))|starts?\s+(?:from|at)|starting\s+(?:from|at)|"
    r"with\s+a\s+starting\s+price\s+of|starting\s+price\s+of|price\s+tag\s+of|retails?\s+(?:from|at|for)|"
    r"costs?\s+from|prices?\s+start(?:s|ing)?\s+(?:from|at)|pre-sale\s+price\s+(?:of|from|starts?\s+at)|"
    r"priced\s+between|available\s+from)\s+$"
)
_TRIM = r"(?:Standard|Pro|Max|Ultra|Plus|Air|Performance|Long[- ]Range|Premium|Luxury|Sport|Base|Launch Edition)\+?"
_TRIM_BEFORE = re.compile(
    rf"\b(?:[Tt]he\s+)?(?P<trim>{_TRIM})(?:\s+(?:trim|version|variant|edition|model))?\s+(?:now\s+)?"
    r"(?:starts?|is\s+priced|costs?|retails?)\b[^,;]*$"
)
_TRIM_NEXT = re.compile(
    rf"(?:,|\band)\s+(?:the\s+)?(?P<trim>{_TRIM})(?:\s+(?:trim|version|variant|edition))?\s+(?:at|from)\s+$"
)
_TRIM_LIST = re.compile(
    rf"\b(?:[Tt]he\s+)?(?P<list>{_TRIM}(?:(?:,\s*|\s+and\s+|,\s+and\s+){_TRIM})+)\s+"
    r"(?:trims|versions|variants|editions)\s+"
    r"(?:cost|are\s+priced\s+at|start\s+at|sell\s+for|retail\s+for|are\s+priced\s+from)\b"
)
_FOREIGN_AMOUNT = re.compile(
    r"\d[\d,.]*\s+[A-Za-z]+(?:,|\s*\()\s*or\s+(?:about\s+|roughly\s+|around\s+|some\s+)?$"
)
_OR_ABOUT = re.compile(r"(?:,|\()\s*or\s+(?:about\s+|roughly\s+|around\s+|some\s+)?$")
_MODEL_TOKEN = re.compile(
    r"(?<![\w-])(?P<m>Model\s+[3SXY](?:\s+L)?|(?:[A-Z][a-z]+\s+)?(?!L[0-5]\b|Q[1-4]\b)[A-Z]{1,3}\d{1,4}[A-Za-z+]*|"
    r"\d{1,2}X|[a-z]\d{1,2}|[A-Z][a-z]{2,}\s\d{1,2})(?![\w-])"
    r"|\b[Tt]he\s+(?P<m2>[A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*){0,2})\s+(?=(?:compact\s+|electric\s+|mid-size\s+|large\s+)?"
    r"(?:hatchback|sedan|SUV|sport\s+utility\s+vehicle|MPV|minivan|coupe|pickup|wagon|crossover|city\s+car)\b)"
)
_PRODUCT_APPOSITIVE = re.compile(
    r"(?:(?:first|second|third|fourth|fifth|newest|latest|new|cheapest|first\s+electric)\s+)?"
    r"(?:car|model|vehicle|SUV|sedan|EV|minivan|MPV|hatchback),\s+the\s+"
)
_LAUNCH_PASSIVE = re.compile(
    r"(?:\s+(?:[a-z][\w-]*|SUV|MPV|EV)){0,3}(?:(?:,\s+(?:a|an|the)\s+[^,]{1,60},)?\s+(?:was|were|has\s+been|had\s+been)\s+"
    r"(?:officially\s+)?|,\s+which\s+(?:[\w.&-]+\s+){1,2}?(?:officially\s+)?)(?:launched|unveiled|introduced|released)\b"
)
_LAUNCH = re.compile(
    r"\b(?:launched|unveiled|debuted|introduced|released|rolled\s+out|began\s+deliveries\s+of|started\s+sales\s+of|"
    r"officially\s+launched|launches|unveils|debuts)\s+(?:its\s+|the\s+|a\s+|an\s+|their\s+)?(?:new\s+|all-new\s+|"
    r"first\s+|latest\s+|updated\s+|refreshed\s+|flagship\s+)*"
)
_PRODUCT_NAME = re.compile(r"(?P<prod>(?:[A-Z][\w+-]*|[a-z]\d{1,2}\b)(?:\s(?:[A-Z0-9][\w+.-]*))*)")

_PLANT_NOUN = re.compile(
    r"\b(?:plant|factory|gigafactory|Gigafactory|manufacturing\s+(?:base|facility|hub)|production\s+(?:base|facility|"
    r"line)|assembly\s+(?:plant|facility))s?\b"
)
_PLANT_OPEN = re.compile(
    r"\b(?:opened|inaugurated|began\s+production|started\s+production|commenced\s+production|started\s+operations|"
    r"began\s+operations|rolled\s+off|(?:is|are)\s+(?:running|operating|producing)|already\s+operates|operates\s+an?)\b"
)
_PLANT_PLANNED = re.compile(
    r"\b(?:will\s+build|plans?\s+to\s+build|to\s+build|broke\s+ground|under\s+construction|"
    r"is\s+building|will\s+open|plans?\s+to\s+open|preparing\s+to\s+(?:open|build)|construction)\b"
)
_CAPACITY = re.compile(r"\bcapacity\s+(?:of\s+)?(?:up\s+to\s+)?$")
_PER_YEAR = re.compile(r"^\s*(?:vehicles|units|cars)?\s*(?:per\s+year|a\s+year|annually|per\s+annum)\b")

_CHIP = re.compile(
    r"(?P<name>(?:[A-Z][\w-]*\s+){0,2}[A-Z][\w-]*)\s+(?:(?:AI|autonomous[- ]driving|smart[- ]driving|"
    r"intelligent[- ]driving|ADAS|in-house|self-developed)\s+)?(?:chips?|SoCs?|processors?)\b"
)
_CHIP_CALLED = re.compile(
    r"\b(?:chip|SoC|processor)s?,?\s+(?:called|named|dubbed|branded|known\s+as|the)\s+"
    r"(?P<name>[A-Z][\w-]*(?:\s[A-Z0-9][\w-]*){0,2})"
)
_CHIP_FAMILY = re.compile(
    r"\b(?:chips?|SoCs?|processors?)\s+(?:in|from)\s+(?:the|its)\s+(?P<name>[A-Z][\w-]*(?:\s[A-Z0-9][\w-]*){0,2})\s+"
    r"(?:family|series|line|range|lineup)\b"
)
_CHIP_REF = re.compile(r"\b(?:the|this|that|each|the new)\s+(?:chip|processor|SoC)\b", re.I)
_CHIP_PAST = re.compile(
    r"\s*(?:chips?|processors?|SoCs?)?\s*(?:that|which)?\s*(?:the\s+company|it|they|[A-Z]\w+)\s+"
    r"(?:used|had\s+used|relied\s+on)\s+(?:before|previously|earlier|until)"
)
_USED_BY = re.compile(r"\b(?:used|adopted|chosen|fitted|deployed|installed)\s+by\s+")
_CHIP_MAKERS = {
    "nvidia",
    "horizon-robotics",
    "qualcomm",
    "black-sesame",
    "mobileye",
    "amd",
    "intel",
    "huawei",
}
_TOPS = re.compile(r"(?P<n>\d{1,3}(?:,\d{3})*(?:\.\d+)?)\s?TOPS\b")
_CHIP_STOP = {
    "AI",
    "The",
    "Its",
    "In",
    "Their",
    "A",
    "An",
    "This",
    "These",
    "Chinese",
    "China",
    "US",
    "Custom",
    "New",
    "Each",
    "Every",
    "Both",
    "All",
    "Some",
    "Our",
    "His",
    "Her",
    "Own",
    "Two",
    "Three",
    "Four",
    "Several",
    "Flagship",
}


def _chip_stop(word: str) -> bool:
    return word in _CHIP_STOP or bool(re.fullmatch(r"[A-Z][a-z]+-(?:end|level|range|tier|grade)", word))


_PARTNER = re.compile(
    r"\b(?:partner(?:ed|s|ing)?\s+with|partnership\s+with|teamed\s+up\s+with|team\s+up\s+with|tie-up\s+with|"
    r"joint\s+venture\s+with|signed\s+(?:a|an)\s+(?:[\w-]+\s+){0,3}?(?:agreement|deal|MoU|memorandum[\w\s]*?)\s+with|"
    r"collaborat(?:e|es|ed|ion|ing)\s+with|alliance\s+with)\s+$"
)
# "A and B have agreed to extend their partnership": a partnership between the named pair
_MUTUAL_PARTNER = re.compile(
    r"\b(?:have\s+|had\s+)?(?:agreed\s+to\s+)?(?:extend(?:ed)?|expand(?:ed)?|deepen(?:ed)?|widen(?:ed)?|"
    r"form(?:ed)?|renew(?:ed)?)\s+(?:their|a)\s+(?:[\w-]+\s+){0,2}?(?:partnership|alliance|collaboration)\b"
)
# "its … Alliance, better known as HIMA, which includes Seres, Chery and BAIC"
_ALLIANCE_MEMBERS = re.compile(
    r"\b(?:[Aa]lliance|[Cc]onsortium)\b[^.;]{0,60}?\b(?:which|that)\s+(?:includes|comprises)\s+"
)
_HQ_NOUN = re.compile(
    r"(?:-based)?\s+(?:(?:electric|EV|car|auto|chip|battery|tech|technology|software|robotaxi|state-owned|private)\s+)?"
    r"(?:automaker|carmaker|company|firm|group|startup|start-up|developer|maker|manufacturer|EV maker|supplier|rival|competitor|peer)\b"
)
_BARE_RELATIVE = re.compile(r"last\s+(?:year|month)\b", re.I)
# "entered Thailand in 2023 and Malaysia in 2024": each market keeps its own date
_DATED_LIST_GAP = re.compile(
    r"\s+(?:in|from|since)\s+(?:(?:early|mid|late)[- ])?(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d"
    r"\s*(?:,|,?\s*and|,?\s*then)\s*(?:the\s+)?"
)
_FOUNDED = re.compile(
    r"\b(?:founded|established"
    r"|(?:set\s+up|spun\s+off|incorporated)\s+as\s+an?\s+(?:separate|independent|standalone|stand-alone)\s+"
    r"(?:company|business|entity))\s+in\s+$"
)
_HQ = re.compile(r"\b(?:headquartered|based)\s+in\s+$")

_ORG_CUE = re.compile(
    r"(?<![\w])(?P<org>(?:[A-Z][\w&'-]*\.?\s+){1,4}(?:Co\.,?\s*Ltd\.?|Co\.|Group|Motors?|Auto|Automotive|Automobile|"
    r"Technologies|Technology|Inc\.?|Ltd\.?|Corp\.?|Corporation|Holdings|Robotics|Semiconductors?|Energy|"
    r"Electric|Mobility|Intelligence|Intelligent\s+Technology|AG|GmbH|SE|Capital|Ventures|Partners))(?![\w])"
)
_ORG_LEAD_STOP = {
    "The", "A", "An", "Its", "Their", "In", "On", "At", "For", "With", "By", "From", "And", "But", "As", "When", "While",
    "Chinese", "China", "Beijing", "Shanghai", "Global", "This", "That", "According", "Since", "After", "Both", "Each",
}  # fmt: skip

_VEHICLE_AFTER = re.compile(
    r"\s+(?P<model>Model\s+[3SXY](?:\s+(?:L|Plus|Performance))?|(?:[A-Z][a-z]+\s+)?[A-Z]{1,3}\d{1,4}[A-Za-z+]*"
    r"(?:\s(?:Ultra|Pro|Max|Plus|EV|L|Lite))?|\d{1,4}[A-Z]?(?:\s(?:Ultra|Pro|Max|Plus))?)(?![\w.])"
)


_PEOPLE_QUICK = re.compile(
    r"ceo|chief|founder|led by|headed by|run by|appoint|named|hired|promot|tapped|join|step|resign|left|leave|"
    r"depart|recruit|poach|former|chairman|president|head of|director"
)
_SALES_QUICK = re.compile(r"deliver|sold|sales|shipp|handed over|shipment")
_LAUNCH_QUICK = re.compile(r"launch|unveil|debut|introduc|released|rolled out|began deliveries|started sales")


# --------------------------------------------------------------------------- per-sentence context
@dataclass(frozen=True)
class Vehicle:
    start: int
    end: int
    name: str
    brand_id: str


@dataclass
class _Sentence:
    index: int
    start: int
    end: int
    text: str
    mentions: list[Mention]
    subjects: list[Mention]  # mentions eligible as claim subjects
    blocked: set[int]  # starts of mentions that may not be subjects ("from Cruise", "Home to Tesla")
    dates: list[DateMatch]
    numbers: list[Number]
    places: list[PlaceMention]
    vehicles: list[Vehicle]


@dataclass
class _State:
    last_subject: str | None = None
    last_sites: list[tuple[str, Place]] = field(default_factory=list)
    last_site_index: int = -10
    last_place: Place | None = None
    last_model: tuple[str, str, str] | None = None  # subject, key, display
    last_model_index: int = -10
    adas_subject: str | None = None
    adas_index: int = -10
    last_plant: tuple[str, Place] | None = None
    last_plant_index: int = -10
    last_period: tuple[str, PartialDate] | None = None
    last_period_index: int = -10
    last_deliveries: list[str] = field(default_factory=list)
    last_chip: tuple[str, str, int] | None = None
    last_price_model: tuple[str, str, int] | None = (
        None  # subject, model, sentence index  # subject, chip key, sentence index
    )


class RuleExtractor:
    """Regex patterns over sentences; no models, no downloads, deterministic."""

    name = "rules"
    version = "1"

    def extract(self, doc: ArticleDoc, gazetteer: Gazetteer) -> Extraction:
        return _Run(doc, gazetteer).run()


class _Run:
    def __init__(self, doc: ArticleDoc, gazetteer: Gazetteer) -> None:
        self.doc = doc
        self.body = doc.body
        self.gaz = gazetteer
        self.matcher = matcher_for(gazetteer)
        self.claims: list[ClaimDraft] = []
        self.state = _State()
        self._seen: set[tuple[object, ...]] = set()
        self._all_mentions: list[Mention] = []

    # ------------------------------------------------------------------ driver
    def run(self) -> Extraction:
        result = Extraction()
        self._all_mentions = self.matcher.find(self.body)
        sentences = [self._sentence(i, sp.start, sp.end) for i, sp in enumerate(split_sentences(self.body))]
        previous_text = ""
        for sentence in sentences:
            before = len(self.claims)
            if _CORRECTION.search(sentence.text):
                previous_text = sentence.text
                continue  # a correction note repeats the wrong figure
            self._extract_sentence(sentence, previous_text)
            self._developments(sentence, result)
            self._unknown_orgs(sentence, result)
            self._update_state(sentence, self.claims[before:])
            previous_text = sentence.text
        self._drop_country_sites()
        result.claims = self.claims
        return result

    def _sentence(self, index: int, start: int, end: int) -> _Sentence:
        text = self.body[start:end]
        mentions = [
            Mention(m.entity_id, m.start - start, m.end - start, m.text, m.possessive)
            for m in self._all_mentions
            if start <= m.start and m.end <= end
        ]
        entities = self.gaz.entities
        subjects = [m for m in mentions if entities[m.entity_id].type in SUBJECT_TYPES]
        blocked: set[int] = set()
        for i, mention in enumerate(subjects):
            head = text[: mention.start]
            if re.fullmatch(r"\s*(?:Rival|Peer)\s+", head):
                continue
            if (
                _NOT_SUBJECT_BEFORE.search(head[-30:])
                or re.search(r"\bHome to\s+$", head)
                or (
                    i > 0
                    and subjects[i - 1].start in blocked
                    and _LIST_GAP.search(text[subjects[i - 1].end : mention.start])
                )
            ):
                blocked.add(mention.start)
        vehicles: list[Vehicle] = []
        for mention in mentions:
            if entities[mention.entity_id].type not in SUBJECT_TYPES:
                continue
            match = _VEHICLE_AFTER.match(text, mention.end)
            if match:
                name = f"{mention.text} {match['model']}"
                vehicles.append(Vehicle(mention.start, match.end(), name, mention.entity_id))
        return _Sentence(
            index=index,
            start=start,
            end=end,
            text=text,
            mentions=mentions,
            subjects=subjects,
            blocked=blocked,
            dates=find_dates(text, self.doc.published),
            numbers=find_numbers(text),
            places=find_places(text),
            vehicles=vehicles,
        )

    def _extract_sentence(self, s: _Sentence, previous_text: str) -> None:
        lower = s.text.lower()
        if (
            s.places
            or "focus" in lower
            or "responsible for" in lower
            or "dedicated" in lower
            or " there" in lower
        ):
            self._rd_sites(s, previous_text)
        if s.numbers:
            self._rd_counts(s, previous_text)
            self._markets(s)
        elif s.places:
            self._markets(s)
        if "model" in lower or "param" in lower:
            self._ai_models(s)
        if s.vehicles or _ADAS_NAME.search(s.text):
            self._adas(s)
        if _PEOPLE_QUICK.search(lower):
            self._people(s)
        if "humanoid" in lower:
            self._robots(s)
        if s.numbers:
            if _SALES_QUICK.search(lower) or "brand" in lower or "marque" in lower or "%" in lower:
                self._deliveries(s)
            if "stake" in lower or "%" in lower or any(n.currency for n in s.numbers):
                self._funding(s)
        if any(n.currency for n in s.numbers) or _LAUNCH_QUICK.search(lower):
            self._prices_and_launches(s)
        self._remember_model(s)
        if s.places or "plant" in lower or "factory" in lower:
            self._plants(s)
        if "chip" in lower or "soc" in lower or "processor" in lower:
            self._chips(s)
        if s.mentions or s.places or s.dates:
            self._partners_and_identity(s)

    def _update_state(self, s: _Sentence, new_claims: list[ClaimDraft]) -> None:
        if _ASIDE.match(s.text):
            pass  # "By comparison, the Tesla Model Y ..." does not change who the article is about
        elif new_claims:
            self.state.last_subject = new_claims[-1].subject
        else:
            free = [
                m
                for m in s.subjects
                if m.start not in s.blocked and not any(v.start == m.start for v in s.vehicles)
            ]
            if free and free[0].start < 30:
                self.state.last_subject = free[0].entity_id
        if s.places:
            self.state.last_place = s.places[-1].place
        for match in _MODEL_WORD.finditer(s.text):
            model = _model_name(s.text[: match.start()])
            if model:
                subjects, _ = self._subjects_at(s, match.start())
                if subjects:
                    self.state.last_model = (subjects[0], model[0], model[1])
                    self.state.last_model_index = s.index

    # ------------------------------------------------------------------ helpers
    def _subjects_at(self, s: _Sentence, pos: int, *, exclude: Iterable[str] = ()) -> tuple[list[str], float]:
        excluded = set(exclude)
        vehicle_starts = {v.start for v in s.vehicles}
        eligible = [
            m
            for m in s.subjects
            if m.start not in s.blocked and m.entity_id not in excluded and m.start not in vehicle_starts
        ]
        before = [m for m in eligible if m.end <= pos]
        if before:
            group = [before[-1]]
            index = eligible.index(before[-1])
            while index > 0:
                previous = eligible[index - 1]
                if _LIST_GAP.fullmatch(s.text[previous.end : eligible[index].start]) or re.fullmatch(
                    r"(?:’s|'s)?\s*(?:,|,?\s*and|&)\s*", s.text[previous.end : eligible[index].start]
                ):
                    group.insert(0, previous)
                    index -= 1
                else:
                    break
            ids: list[str] = []
            for mention in group:
                if mention.entity_id not in ids:
                    ids.append(mention.entity_id)
            return ids, 0.85
        after = [m for m in eligible if m.start >= pos]
        if after and self.state.last_subject and _LEADING_PRONOUN.match(s.text):
            return [self.state.last_subject], 0.7  # "The company delivered ..., most of them Aito models"
        if after:
            return [after[0].entity_id], 0.75
        if _ORG_CUE.search(s.text[:pos]):
            return [], 0.0  # an organisation we do not track is the subject
        if self.state.last_subject and self.state.last_subject not in excluded:
            confidence = 0.7 if _PRONOUN.search(s.text) else 0.6
            return [self.state.last_subject], confidence
        return [], 0.0

    def _claim(
        self,
        s: _Sentence,
        subject: str,
        prop: str,
        value: Value,
        confidence: float,
        qualifiers: dict[str, str] | None = None,
        as_of: PartialDate | None = None,
    ) -> None:
        spec = PROPERTIES.get(prop)
        if (
            isinstance(value, Quantity)
            and spec is not None
            and spec.unit
            and value.unit != spec.unit
            and value.unit not in spec.units
        ):
            return  # a unit the vocabulary does not accept (HK$, £ ...): the store would reject it
        quals = {k: v for k, v in (qualifiers or {}).items() if v}
        key = (subject, prop, value.key(), tuple(sorted(quals.items())), s.start)
        if key in self._seen:
            return
        self._seen.add(key)
        self.claims.append(
            ClaimDraft(
                subject=subject,
                property=prop,
                value=value,
                quote=self.body[s.start : s.end],
                start=s.start,
                end=s.end,
                qualifiers=quals,
                as_of=as_of if as_of is not None else self.doc.published,
                confidence=round(confidence, 2),
            )
        )

    @staticmethod
    def _date_after(s: _Sentence, pos: int) -> DateMatch | None:
        for date in s.dates:
            if date.start >= pos:
                return date
        return None

    @staticmethod
    def _nearest_date(s: _Sentence, pos: int) -> DateMatch | None:
        if not s.dates:
            return None
        return min(s.dates, key=lambda d: abs(d.start - pos))

    def _quantity(self, number: Number, unit: str) -> Quantity:
        return Quantity(number.amount, unit, number.upper, number.approx)

    def _places_after(self, s: _Sentence, pos: int, cue: re.Pattern[str] | None = None) -> list[PlaceMention]:
        """Places in a list that starts right after ``pos`` ("in Beijing and Shanghai", "in Munich, Germany")."""
        found: list[PlaceMention] = []
        cursor = pos
        for place in s.places:
            if place.start < pos:
                continue
            gap = s.text[cursor : place.start]
            if not found:
                ok = (
                    re.fullmatch(r"[\s,\"”’]*(?:(?:located|based)\s+)?(?:in|at)\s+(?:the\s+)?", gap)
                    is not None
                )
                if cue is not None:
                    ok = cue.search(s.text[: place.start]) is not None and place.start - pos < 60
            else:
                ok = re.fullmatch(r"\s*(?:,|,?\s*and|&|,\s*and)\s*(?:the\s+)?", gap) is not None
            if not ok:
                break
            found.append(place)
            cursor = place.end
        return found

    # ------------------------------------------------------------------ R&D sites
    def _rd_sites(self, s: _Sentence, previous_text: str) -> None:
        text = s.text
        rd_context = bool(_RD_CONTEXT.search(text) or _RD_CONTEXT.search(previous_text))
        sites: list[tuple[int, Place]] = []  # trigger position, place
        for match in _RD_NOUN.finditer(text):
            noun = match["noun"]
            is_ops = noun.endswith("operations") or noun.endswith("team") or noun.endswith("teams")
            if noun.startswith(("lab", "AI lab", "laborator", "AI laborator")) and not rd_context:
                continue
            places = self._places_after(s, match.end())
            for place in places:
                sites.append((match.start(), place.place))
            if (
                not places
                and re.match(r"\s+there\b", text[match.end() :])
                and self.state.last_place is not None
                and self.state.last_place.kind == "city"
            ):
                sites.append((match.start(), self.state.last_place))  # "opened an R&D centre there"
            # "<Place> R&D center", "Silicon Valley facility", "Silicon Valley operations"
            for place in s.places:
                if place.end <= match.start() and not text[place.end : match.start()].strip():
                    weak = is_ops and not (rd_context and _SITE_OPS.search(text[: place.start]))
                    if weak and not noun.startswith(("R&D", "research")):
                        continue
                    sites.append((match.start(), place.place))
        for place in s.places:
            tail = text[place.end :]
            head = text[: place.start]
            if (
                _SITE_PRE_NOUN.match(tail)
                and rd_context
                and not any(p.key == place.place.key for _, p in sites)
            ):
                noun_word = _SITE_PRE_NOUN.match(tail)
                assert noun_word is not None
                word = noun_word.group().strip()
                if word.startswith("operations") and not _SITE_OPS.search(head):
                    continue
                if word.startswith("team") and not re.search(r"\b(?:R&D|research|engineering)\b", text):
                    continue
                sites.append((place.start, place.place))
            # "teams in Silicon Valley and San Diego" in an R&D context
            if rd_context and re.search(r"\bteams?\s+(?:in|at)\s+$", head):
                for extra in self._places_after(s, place.start - 3 if head.endswith("in ") else place.start):
                    if not any(p.key == extra.place.key for _, p in sites):
                        sites.append((place.start, extra.place))
        if not sites:
            self._rd_focus(s, [])
            return
        unique: list[tuple[int, Place]] = []
        for pos, site in sites:
            if site.name == "China" or any(p.key == site.key for _, p in unique):
                continue
            unique.append((pos, site))
        if not unique:
            return
        status = None
        if _RD_STATUS_BUILDING.search(text):
            status = "being set up"
        elif _RD_STATUS_PLANNED.search(text):
            status = "planned"
        site_places: list[tuple[str, Place]] = []
        respectively: list[PartialDate] = []
        if "respectively" in text and len(unique) > 1:
            years = [PartialDate(int(y)) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)]
            dated = [d.date for d in s.dates]
            respectively = dated if len(dated) == len(unique) else years if len(years) == len(unique) else []
        for site_index, (pos, site) in enumerate(unique):
            subjects, confidence = self._subjects_at(s, pos)
            per_company = self._per_company_dates(s)
            opened = None
            cue = _OPENED_CUE.search(text)
            if cue and s.dates:
                date = self._date_after(s, cue.start()) or self._nearest_date(s, cue.start())
                opened = date
            for subject in subjects:
                qualifiers = {"site": site.key}
                self._claim(s, subject, "rd_site", Text(site.name), confidence, qualifiers)
                if status:
                    self._claim(s, subject, "rd_site_status", Text(status), confidence - 0.05, qualifiers)
                date_for = per_company.get(subject) if per_company else (opened.date if opened else None)
                if respectively:
                    date_for = respectively[site_index]
                clause_start, clause_end = _clause_bounds(text, pos)
                in_clause = cue is not None and (
                    clause_start <= cue.start() < clause_end or bool(per_company) or bool(respectively)
                )
                if date_for is not None and in_clause:
                    self._claim(
                        s, subject, "rd_site_opened", DateValue(date_for), confidence - 0.05, qualifiers
                    )
                site_places.append((subject, site))
        self.state.last_sites = site_places
        self.state.last_site_index = s.index
        self._rd_focus(s, site_places)

    def _per_company_dates(self, s: _Sentence) -> dict[str, PartialDate]:
        """ "Nio in 2014 and Xpeng in 2018" → {nio: 2014, xpeng: 2018}."""
        result: dict[str, PartialDate] = {}
        for mention in s.subjects:
            match = re.match(r"\s+(?:in|since)\s+", s.text[mention.end :])
            if not match:
                continue
            for date in s.dates:
                if date.start == mention.end + match.end():
                    result[mention.entity_id] = date.date
        return result if len(result) >= 2 else {}

    def _rd_focus(self, s: _Sentence, sites: list[tuple[str, Place]]) -> None:
        text = s.text
        match = _FOCUS.search(text)
        if not match:
            return
        if not sites:
            if (
                not _SITE_REF.search(text)
                or s.index - self.state.last_site_index > 3
                or not self.state.last_sites
            ):
                return
            sites = self.state.last_sites
        raw = match["focus"] or match["focus2"] or ""
        cut = _CLAUSE_CUT.search(raw)
        if cut:
            raw = raw[: cut.start()]
        for item in _split_list(raw):
            item = _FOCUS_TRAIL.sub("", item).strip(" ,")
            if not item or len(item) > 60:
                continue
            for subject, place in sites:
                self._claim(s, subject, "rd_site_focus", Text(item), 0.7, {"site": place.key})

    def _rd_counts(self, s: _Sentence, previous_text: str) -> None:
        text = s.text
        for number in s.numbers:
            if number.is_year or number.currency or number.percent:
                continue
            tail = text[number.end :]
            if re.match(
                r"\s+(?:R&D|research(?:\s+and\s+development)?|development|research\s+and\s+design)\s+"
                r"(?:hubs|centers|centres|sites|bases|facilities)\b",
                tail,
            ):
                subjects, confidence = self._subjects_at(s, number.start)
                for subject in subjects:
                    self._claim(s, subject, "rd_hub_count", self._quantity(number, "hubs"), confidence)
                continue
            if not _HEADCOUNT_UNIT.match(tail):
                continue
            head = text[: number.start]
            if re.search(
                r"\b(?:plans?|aims?|expects?|will|wants?)\b[^,;]*\bto\s+(?:about\s+|around\s+)?$", head
            ):
                continue  # a target, not a headcount
            window = text[max(0, number.start - 80) : number.end + 40]
            if _ROBOT_CUE.search(window):
                region = self._region_for(s, number.end)
                subjects, confidence = self._subjects_at(s, number.start)
                for subject in subjects:
                    self._claim(
                        s,
                        subject,
                        "robotics_team_size",
                        self._quantity(number, "people"),
                        confidence,
                        {"region": region},
                    )
                continue
            if not _TEAM_CUE.search(head[-80:]) or not (
                _RD_CONTEXT.search(text)
                or _RD_CONTEXT.search(previous_text)
                or s.index - self.state.last_site_index <= 2
            ):
                continue
            site = self._site_for_headcount(s)
            subjects, confidence = self._subjects_at(s, number.start)
            for subject in subjects:
                self._claim(
                    s, subject, "rd_headcount", self._quantity(number, "people"), confidence, {"site": site}
                )

    def _site_for_headcount(self, s: _Sentence) -> str:
        places = [p.place for p in s.places]
        if len(places) == 1:
            return places[0].key
        if places:
            regions = {p.region for p in places}
            if len(regions) == 1:
                region = regions.pop()
                return region or places[0].key
            return "+".join(p.key for p in places)
        if self.state.last_sites and s.index - self.state.last_site_index <= 2:
            return self.state.last_sites[-1][1].key
        return ""

    def _region_for(self, s: _Sentence, pos: int) -> str:
        for place in s.places:
            if place.start >= pos - 40:
                return place.place.key
        if re.search(r"\b(?:the region|there|the area)\b", s.text) and self.state.last_place is not None:
            return self.state.last_place.key
        return s.places[0].place.key if s.places else ""

    # ------------------------------------------------------------------ markets
    def _markets(self, s: _Sentence) -> None:
        text = s.text
        if not _MARKET_CONTEXT.search(text):
            return
        for number in s.numbers:
            if number.is_year or number.currency or number.percent or number.upper is not None:
                continue
            if _MARKET_COUNT_UNIT.match(text[number.end :]):
                subjects, confidence = self._subjects_at(s, number.start)
                for subject in subjects:
                    self._claim(
                        s, subject, "overseas_market_count", self._quantity(number, "markets"), confidence
                    )
        if _RD_NOUN.search(text) and not re.search(r"\bmarkets?\b", text):
            return
        markets: list[PlaceMention] = []
        for index, place in enumerate(s.places):
            if place.place.kind not in {"country", "region"} or place.place.name == "China":
                continue
            head = text[: place.start]
            if _MARKET_CUE.search(head):
                markets.append(place)
                for extra in s.places[index + 1 :]:
                    gap = text[markets[-1].end : extra.start]
                    if re.fullmatch(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", gap) or _DATED_LIST_GAP.fullmatch(
                        gap
                    ):
                        markets.append(extra)
                    else:
                        break
            elif re.match(r"\s+market\b", text[place.end :]) and re.search(
                r"\b(?:entered|entry|enter|launch)", text
            ):
                markets.append(place)
        seen: set[str] = set()
        for place in markets:
            if place.place.key in seen or place.place.kind not in {"country", "region"}:
                continue
            seen.add(place.place.key)
            subjects, confidence = self._subjects_at(s, place.start)
            cue_head = text[: place.start]
            if re.search(r"\bsell(?:s|ing)?\b", cue_head):
                if len(subjects) > 1 or re.search(r"\b(?:all|both)\s+sell", cue_head):
                    continue  # "BYD, Zeekr and Lynk & Co all sell cars in the UAE": passing mentions
                if re.search(r"\b(?:plans?|aims?|intends?|hopes?|wants?)\s+to\s+(?:start\s+)?sell", cue_head):
                    continue  # an intention, not a market
            date = self._market_date(s, place, markets)
            as_of = date.date if date else None
            for subject in subjects:
                qualifiers = {"market": place.place.key}
                self._claim(
                    s, subject, "overseas_market", Text(place.place.name), confidence, qualifiers, as_of
                )
                if (
                    date
                    and _ENTRY_CUE.search(text)
                    and not text[date.start - 6 : date.start].lower().startswith("since")
                ):
                    self._claim(
                        s, subject, "market_entry_date", DateValue(date.date), confidence - 0.1, qualifiers
                    )

    def _mutual_partners(self, s: _Sentence) -> None:
        text = s.text
        lower = text.lower()
        if not any(word in lower for word in ("partnership", "alliance", "collaboration", "consortium")):
            return
        match = _MUTUAL_PARTNER.search(text)
        if match:
            subjects, confidence = self._subjects_at(s, match.start())
            named = {m.entity_id for m in s.subjects if m.end <= match.start()}
            if len(subjects) == 2 and set(subjects) <= named:
                for subject in subjects:
                    for other in subjects:
                        if other != subject:
                            name = self.gaz.display_name(other)
                            self._claim(
                                s, subject, "partnership", Text(name), confidence - 0.05, {"partner": other}
                            )
        alliance = _ALLIANCE_MEMBERS.search(text)
        if not alliance:
            return
        members: list[str] = []
        cursor = alliance.end()
        for mention in s.subjects:
            if mention.start < alliance.end():
                continue
            if not re.fullmatch(r"\s*(?:,|,?\s*and|&)?\s*", text[cursor : mention.start]):
                break
            if mention.entity_id not in members:
                members.append(mention.entity_id)
            cursor = mention.end
        if not members:
            return
        owners, confidence = self._subjects_at(s, alliance.start(), exclude=members)
        if len(owners) != 1:
            return
        for member in members:
            name = self.gaz.display_name(member)
            self._claim(s, owners[0], "partnership", Text(name), confidence - 0.05, {"partner": member})

    @staticmethod
    def _market_date(s: _Sentence, place: PlaceMention, markets: list[PlaceMention]) -> DateMatch | None:
        """The date right after the market ("Brazil in September") or one that opens the sentence."""
        for date in s.dates:
            gap = s.text[place.end : date.start]
            if re.fullmatch(r"\s+(?:in|on|since|from)\s+(?:the\s+)?", gap):
                return date
            if gap == " " and _BARE_RELATIVE.match(s.text, date.start):
                return date  # "entered Saudi Arabia last month"
        # "entered Qatar and Saudi Arabia last year": a date after the last market of a plain list
        if place in markets and markets[-1] is not place:
            last = markets[-1]
            plain = all(
                re.fullmatch(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", s.text[a.end : b.start])
                for a, b in pairwise(markets)
            )
            if plain:
                for date in s.dates:
                    gap = s.text[last.end : date.start]
                    if re.fullmatch(r"\s+(?:in|on|since|from)\s+(?:the\s+)?", gap) or (
                        gap == " " and _BARE_RELATIVE.match(s.text, date.start)
                    ):
                        return date
        leading = [d for d in s.dates if markets and d.end <= markets[0].start]
        if leading and not any(d.start > markets[0].start for d in s.dates):
            return leading[0]
        return None

    # ------------------------------------------------------------------ AI models
    def _ai_models(self, s: _Sentence) -> None:
        text = s.text
        for number in s.numbers:
            if not number.scaled or number.currency or number.percent:
                continue
            if not _PARAMS_UNIT.match(text[number.end :]):
                continue
            model = self._model_before(text, number.start) or self._model_after(text, number.end)
            if model is None:
                continue
            key, display, pos = model
            subjects, confidence = self._subjects_at(s, pos)
            for subject in subjects:
                quals = {"model": key}
                self._claim(s, subject, "ai_model", Text(display), confidence, quals)
                self._claim(
                    s, subject, "ai_model_parameters", self._quantity(number, "parameters"), confidence, quals
                )
        for kind, pattern in (("ai_model_launch", _MODEL_LAUNCH), ("ai_model_rollout", _MODEL_ROLLOUT)):
            for verb in pattern.finditer(text):
                for word in _MODEL_WORD.finditer(text, verb.end()):
                    between = text[verb.end() : word.start()]
                    if len(between) > 60 or re.search(r"[,;]", between):
                        break
                    name = _model_name(text[: word.start()])
                    if not name:
                        break
                    if kind == "ai_model_rollout" and not re.search(r"\b(?:of|out)\b", between):
                        break
                    key, display = name
                    subjects, confidence = self._subjects_at(s, verb.start())
                    date = self._nearest_date(s, verb.start())
                    for subject in subjects:
                        quals = {"model": key}
                        self._claim(s, subject, "ai_model", Text(display), confidence, quals)
                        if date is not None:
                            self._claim(s, subject, kind, DateValue(date.date), confidence - 0.05, quals)
                    break

    def _model_before(self, text: str, pos: int) -> tuple[str, str, int] | None:
        head = text[:pos]
        clause_start = max(
            head.rfind(";"), head.rfind("“"), head.rfind('"'), head.rfind(", while"), head.rfind(", whereas")
        )
        matches = [m for m in _MODEL_WORD.finditer(head) if m.start() > clause_start]
        for match in reversed(matches):
            name = _model_name(head[: match.start()])
            if name:
                return name[0], name[1], match.start()
        return None

    def _model_after(self, text: str, pos: int) -> tuple[str, str, int] | None:
        match = re.match(r"(?:-|\s)?(?:parameters?|params)\b[\s-]*((?:[\w-]+\s+){0,3}?)models?\b", text[pos:])
        if not match:
            return None
        words = match.group(1).strip()
        if not words:
            return None
        name = _model_name(words + " ")
        if not name:
            return None
        return name[0], name[1], pos

    # ------------------------------------------------------------------ driving assistance
    def _adas(self, s: _Sentence) -> None:
        text = s.text
        found_system = False
        for match in _ADAS_NAME.finditer(text):
            if not _ADAS_CUE.search(text):
                continue
            system = match["sys"]
            subjects, confidence = self._subjects_at(s, match.start())
            if not subjects:
                continue
            qualifiers = {"system": slug(system)}
            level = _LEVEL.search(text)
            scenario = _SCENARIO.search(text[match.end() :])
            for subject in subjects:
                self._claim(s, subject, "adas_system", Text(system), confidence, qualifiers)
                if level:
                    level_quals = dict(qualifiers)
                    if scenario:
                        level_quals["scenario"] = _scenario(scenario["sc"])
                    value = f"L{level['a'] or level['b']}"
                    self._claim(s, subject, "adas_level", Text(value), confidence - 0.05, level_quals)
            self.state.adas_subject = subjects[0]
            self.state.adas_index = s.index
            found_system = True
        if found_system or not s.vehicles:
            return
        level = _LEVEL.search(text)
        if not level or not _HARDWARE_CUE.search(text):
            return
        value = f"L{level['a'] or level['b']}"
        if self.state.adas_subject and s.index - self.state.adas_index <= 2:
            subjects, confidence = [self.state.adas_subject], 0.7
        else:
            subjects, confidence = self._subjects_at(s, level.start())
        for vehicle in s.vehicles:
            for subject in subjects:
                self._claim(
                    s, subject, "adas_hardware_vehicle", Text(vehicle.name), confidence, {"level": value}
                )

    # ------------------------------------------------------------------ people
    def _valid_person(self, name: str) -> bool:
        first = name.split()[0]
        if first in _PERSON_STOP:
            return False
        if any(m.start == 0 and m.end == len(name) for m in self.matcher.find(name)):
            return False
        if name.split()[-1] in {"Auto", "Motors", "Group", "Inc", "Technologies"}:
            return False
        return not find_places(name)

    def _people(self, s: _Sentence) -> None:
        text = s.text
        for pattern in (_CEO, _CEO_AFTER):
            for match in pattern.finditer(text):
                name = match["name"]
                if not self._valid_person(name):
                    continue
                if pattern is _CEO_AFTER:
                    after = [m for m in s.subjects if m.start >= match.end()]
                    subjects, confidence = ([after[0].entity_id], 0.85) if after else ([], 0.0)
                else:
                    subjects, confidence = self._title_subjects(s, match.start())
                for subject in subjects:
                    self._claim(s, subject, "ceo", Text(name), confidence)
                    self._claim(
                        s,
                        subject,
                        "key_person",
                        Text(name),
                        confidence - 0.05,
                        {"person": slug(name), "role": "CEO"},
                    )
        for match in _FOUNDER.finditer(text):
            name = match["name"]
            if not self._valid_person(name):
                continue
            subjects, confidence = self._title_subjects(s, match.start())
            for subject in subjects:
                self._claim(s, subject, "founder", Text(name), confidence - 0.05)
                self._claim(s, subject, "key_person", Text(name), confidence - 0.1, {"person": slug(name)})
        for match in _TITLE_NAME.finditer(text):
            name = match["name"]
            title = match["title"].lower()
            if not self._valid_person(name) or re.match(r"\s+(?:of|at)\b", text[match.end() :]):
                continue
            subjects, confidence = self._title_subjects(s, match.start())
            for subject in subjects:
                quals = {"person": slug(name), "role": title}
                self._claim(s, subject, "key_person", Text(name), confidence - 0.1, quals)
        for match in _NAME_TITLE.finditer(text):
            name = match["name"]
            if not self._valid_person(name):
                continue
            owner = (
                next((m for m in s.subjects if m.start == match.start("owner")), None)
                if match["owner"]
                else None
            )
            if match["owner"] and owner is None:
                continue
            subjects = (
                [owner.entity_id] if owner else ([self.state.last_subject] if self.state.last_subject else [])
            )
            for subject in subjects:
                quals = {"person": slug(name), "role": match["title"].lower()}
                self._claim(s, subject, "key_person", Text(name), 0.75, quals)
        formerly = self._formerly(s)
        for match in _LED_BY.finditer(text):
            name = match["name"]
            if not self._valid_person(name):
                continue
            thing = (match["thing"] or "").lower()
            role = f"{thing} lead" if thing and thing not in {"it", "which", "that"} else "lead"
            if thing == "project" and self.state.last_model and s.index - self.state.last_model_index <= 3:
                role = f"{self.state.last_model[2]} project lead"
            subjects, confidence = self._subjects_at(s, match.start(), exclude=formerly.values())
            for subject in subjects:
                quals = {"person": slug(name), "role": role, "formerly": formerly.get("name", "")}
                self._claim(s, subject, "key_person", Text(name), confidence - 0.05, quals)
        for match in (m for pattern in _APPOINT for m in pattern.finditer(text)):
            name = match["name"] or ""
            role = re.sub(r"\s+", " ", match["role"] or "")
            if not name or not self._valid_person(name):
                continue
            joined = [m for m in s.subjects if match.start("name") < m.start < match.end()]
            if joined:
                subjects, confidence = [joined[0].entity_id], 0.85
            else:
                subjects, confidence = self._subjects_at(s, match.start(), exclude=formerly.values())
            for subject in subjects:
                quals = {"person": slug(name), "role": role, "formerly": formerly.get("name", "")}
                self._claim(s, subject, "key_person", Text(name), confidence - 0.05, quals)
                if role.lower() in {"ceo", "chief executive officer"}:
                    self._claim(s, subject, "ceo", Text(name), confidence - 0.05)
        for match in _DEPART.finditer(text):
            name = match["name"]
            if not self._valid_person(name):
                continue
            role = re.sub(r"\s+", " ", match["role"] or "")
            subjects, confidence = self._subjects_at(s, match.start())
            for subject in subjects:
                quals = {"person": slug(name), "role": role, "status": "departing"}
                self._claim(s, subject, "key_person", Text(name), confidence - 0.1, quals)

    def _title_subjects(self, s: _Sentence, pos: int) -> tuple[list[str], float]:
        """Whose executive a title names: the company right before it ("Xpeng CEO", "BYD's president"),
        else, when the sentence names none before it, the company the article is about."""
        eligible = [m for m in s.subjects if m.start not in s.blocked and m.end <= pos]
        if eligible and pos - eligible[-1].end <= 40:
            return [eligible[-1].entity_id], 0.85
        later = [m for m in s.subjects if m.start not in s.blocked and m.start > pos and not m.possessive]
        if (
            not eligible
            and later
            and re.match(r"\s*(?:[Cc]hairman|[Cc]hairwoman|[Pp]resident)\b", s.text[pos:])
        ):
            return [later[0].entity_id], 0.75  # "Chairman Zhang Xinghai said Seres would ..."
        if self.state.last_subject:
            return [self.state.last_subject], 0.7
        return self._subjects_at(s, pos)

    def _formerly(self, s: _Sentence) -> dict[str, str]:
        match = _FORMERLY.search(s.text)
        if not match:
            return {}
        group = next(g for g in ("org", "org2", "org3", "org4") if match[g])
        org = match[group]
        start = match.start(group)
        for mention in s.mentions:
            if mention.start == start:
                return {"name": self.gaz.display_name(mention.entity_id), "id": mention.entity_id}
        return {"name": org.strip()}

    # ------------------------------------------------------------------ robotics
    def _robots(self, s: _Sentence) -> None:
        for match in _HUMANOID.finditer(s.text):
            name = match["name"] or match["name2"]
            if (
                not name
                or name in _PERSON_STOP
                or name in {"First", "New", "Its", "A"}
                or self.matcher.find(name)
            ):
                continue
            subjects, confidence = self._subjects_at(s, match.start())
            date = self._nearest_date(s, match.start())
            for subject in subjects:
                self._claim(
                    s,
                    subject,
                    "humanoid_robot",
                    Text(name),
                    confidence,
                    {"product": slug(name)},
                    date.date if date else None,
                )

    # ------------------------------------------------------------------ sales
    def _deliveries(self, s: _Sentence) -> None:
        text = s.text
        numbers = [n for n in s.numbers if not n.percent and not n.currency and not n.is_year]
        verbs = list(_DELIVERIES_VERB.finditer(text))
        triggers = [m.end() for m in _DELIVERED.finditer(text)] + [m.end() for m in verbs]
        # "deliveries exceeded 40,000": the figure is a floor, shown as approximate
        floors = {m.end() for m in verbs if m["floor"]}
        target_triggers = [m.end() for m in _TARGET_OF.finditer(text)]
        period_date = next((d for d in s.dates if d.kind != "year" or "in " + d.period in text), None)
        published = self.doc.published
        ytd = _YTD.search(text) if published is not None and published.year is not None else None
        target = _TARGET.search(text)
        claimed: list[tuple[str, str]] = []
        for trigger in triggers + target_triggers:
            number = next((n for n in numbers if trigger - 1 <= n.start <= trigger + 25), None)
            if number is None:
                continue
            is_target = trigger in target_triggers or bool(target and target.start() < number.start)
            if is_target and re.match(r"\s*(?:\w+\s+)?(?:a|per|each)\s+(?:month|week)\b", text[number.end :]):
                continue  # "a target of 20,000 a month" is a rate
            unit_ok = (
                _VEHICLE_UNIT.match(text[number.end :])
                or re.search(r"\bdeliveries\b", text[:trigger])
                or (is_target and re.search(r"\b(?:deliver|sales|sell|sold|units)", text))
            )
            if not unit_ok:
                continue
            if re.match(
                r"\s*(?:[\w-]+\s+){0,2}?(?:vehicles|cars|units|EVs|NEVs)\s+there\b", text[number.end :]
            ):
                continue  # sales in one market, not the company total
            subjects, confidence = self._subjects_at(s, trigger)
            value = self._quantity(number, "vehicles")
            if trigger in floors:
                value = Quantity(value.amount, value.unit, value.upper, True)
            after = next((d for d in s.dates if d.start >= number.end), None)
            date = after or period_date
            as_of: PartialDate | None
            for subject in subjects:
                if is_target:
                    if _ANNUAL.search(text) and published is not None and published.year is not None:
                        quals, as_of = {"period": str(published.year)}, PartialDate(published.year)
                    else:
                        quals, as_of = {"period": date.period if date else ""}, date.date if date else None
                    self._claim(s, subject, "delivery_target", value, confidence - 0.05, quals, as_of)
                elif ytd is not None and published is not None and published.year is not None:
                    quals = {"period": f"{published.year}-YTD"}
                    self._claim(s, subject, "deliveries", value, confidence - 0.05, quals)
                elif _CUMULATIVE.search(text):
                    self._claim(s, subject, "cumulative_deliveries", value, confidence - 0.05)
                elif date is not None:
                    quals = {"period": date.period}
                    self._claim(s, subject, "deliveries", value, confidence, quals, date.date)
                    claimed.append((subject, date.period))
                    self.state.last_period = (date.period, date.date)
                    self.state.last_period_index = s.index
                    self.state.last_deliveries = [subject]
        self._brand_split(s, numbers, claimed)
        if not claimed and self.state.last_period and s.index - self.state.last_period_index == 1:
            claimed = [(subject, self.state.last_period[0]) for subject in self.state.last_deliveries]
            if _DELIVERED.search(text) or (_DELIVERIES_VERB.search(text) and numbers):
                claimed = []
        if not claimed:
            return
        for number in s.numbers:
            if not number.percent:
                continue
            head = text[: number.start]
            tail = text[number.end : number.end + 60]
            sign = -1.0 if _DOWN.search(head[-30:]) else 1.0
            if not _CHANGE_BEFORE.search(head[-30:]) and not re.match(
                r"\s+(?:increase|growth|rise|decrease|decline|drop|fewer|more|less|lower|higher)", tail
            ):
                continue
            prop = "deliveries_yoy" if _YOY.search(tail) else "deliveries_mom" if _MOM.search(tail) else None
            if prop is None:
                continue
            if re.match(r"\s+(?:decrease|decline|drop|fewer|less|lower)", tail):
                sign = -1.0
            value = Quantity(sign * number.amount, "percent", None, number.approx)
            for subject, period in claimed:
                self._claim(s, subject, prop, value, 0.75, {"period": period})

    def _brand_split(self, s: _Sentence, numbers: list[Number], claimed: list[tuple[str, str]]) -> None:
        """ "the Onvo brand 17,342 and the Firefly brand 5,912": per-brand deliveries for the period."""
        period: tuple[str, PartialDate | None] | None = (claimed[0][1], None) if claimed else None
        if period is None and self.state.last_period and s.index - self.state.last_period_index <= 2:
            period = self.state.last_period
        if period is None:
            return
        taken = {(c.subject, c.qualifiers.get("period")) for c in self.claims if c.property == "deliveries"}
        for mention in s.subjects:
            match = _BRAND_SPLIT.match(s.text, mention.end)
            if not match:
                continue
            number = next((n for n in numbers if match.end() <= n.start <= match.end() + 16), None)
            if number is None or (mention.entity_id, period[0]) in taken:
                continue
            quals = {"period": period[0]}
            self._claim(s, mention.entity_id, "deliveries", self._quantity(number, "vehicles"), 0.7, quals)

    # ------------------------------------------------------------------ financing
    def _funding(self, s: _Sentence) -> None:
        text = s.text
        for match in _STAKE.finditer(text):
            target = next((m for m in s.subjects if m.start == match.end()), None)
            if target is None:
                continue
            owners, owner_conf = self._subjects_at(s, match.start(), exclude=[target.entity_id])
            # the owner must be named in this sentence before the verb: "Volkswagen bought ..."
            named = {m.entity_id for m in s.subjects if m.end <= match.start()}
            owners = [o for o in owners if o in named]
            if not owners:
                continue
            pct = float(match["pct"] or match["pct2"])
            for owner in owners:
                name = self.gaz.display_name(owner)
                quals = {"investor": slug(name)}
                self._claim(s, target.entity_id, "investor", Text(name), owner_conf, quals)
                self._claim(s, target.entity_id, "stake", Quantity(pct, "percent"), owner_conf, quals)
        verb = _FUNDING.search(text)
        if not verb or not _FUNDING_NOUN.search(text):
            return
        money = next((n for n in s.numbers if n.currency and n.start >= verb.start()), None)
        if money is None:
            return
        round_match = _ROUND.search(text)
        round_name = slug(round_match["round"]) if round_match else ""
        if round_name == "initial-public-offering":
            round_name = "ipo"
        subjects, confidence = self._subjects_at(s, verb.start())
        investors = self._investors(s, money.end)
        for subject in subjects:
            value = Quantity(money.amount, money.currency or "USD", money.upper, money.approx)
            self._claim(s, subject, "funding_amount", value, confidence, {"round": round_name})
            for investor in investors:
                if investor[0] == subject:
                    continue
                self._claim(
                    s,
                    subject,
                    "investor",
                    Text(investor[1]),
                    confidence - 0.1,
                    {"investor": slug(investor[1]), "round": round_name},
                )

    def _investors(self, s: _Sentence, pos: int) -> list[tuple[str, str]]:
        match = _INVESTORS.search(s.text, pos)
        if not match:
            return []
        chunk_start = match.start("list")
        chunk = match["list"]
        cut = re.search(
            r",\s*(?:bringing|which|taking|according|as|the|with)\b|\s+(?:to|for)\s+(?:fund|expand|accelerate|support)\b",
            chunk,
        )
        if cut:
            chunk = chunk[: cut.start()]
        result: list[tuple[str, str]] = []
        for mention in self.matcher.find(chunk):
            result.append((mention.entity_id, self.gaz.display_name(mention.entity_id)))
        known = {m.start for m in s.mentions}
        for org in re.finditer(r"(?<![\w])[A-Z][\w&.-]*(?:\s+(?:[A-Z][\w&.-]*|of|&))*", chunk):
            name = org.group().rstrip(".")
            if (chunk_start + org.start()) in known or any(name in r[1] or r[1] in name for r in result):
                continue
            if name in _ORG_LEAD_STOP or name in {"Series", "IPO"} or len(name) < 3:
                continue
            result.append(("", name))
        return result[:8]

    # ------------------------------------------------------------------ products
    def _prices_and_launches(self, s: _Sentence) -> None:
        text = s.text
        money = [n for n in s.numbers if n.currency and not n.percent]
        trims = self._respective_trims(s, money)
        accepted = False
        for index, number in enumerate(money):
            head = text[max(0, number.start - 45) : number.start]
            trim = ""
            trim_match: re.Match[str] | None = None
            if trims:
                trim = trims[index]
            elif _PRICE.search(head):
                trim_match = _TRIM_BEFORE.search(text[max(0, number.start - 60) : number.start])
                trim = trim_match["trim"] if trim_match else ""
            elif (
                (accepted and index > 0 and money[index - 1].currency != number.currency)
                or _PRICE.search(_FOREIGN_AMOUNT.sub("", text[: number.start])[-45:])
            ) and _OR_ABOUT.search(head):
                pass  # "185,800 ringgit, or about US$42,000"
            elif accepted and (trim_match := _TRIM_NEXT.search(head)) is not None:
                trim = trim_match["trim"]  # "..., the Max at 349,800 yuan"
            else:
                continue
            accepted = True
            vehicle = next((v for v in reversed(s.vehicles) if v.end <= number.start), None)
            vehicle = vehicle or next((v for v in s.vehicles), None)
            model = (
                vehicle.name if vehicle else self._model_in(text, number.start) or self._launched_product(s)
            )
            if not model and self.state.last_price_model and s.index - self.state.last_price_model[2] <= 2:
                model = self.state.last_price_model[1]
            if vehicle:
                subjects, confidence = [vehicle.brand_id], 0.85
            else:
                subjects, confidence = self._subjects_at(s, number.start)
                if confidence == 0.75 and self.state.last_subject:
                    subjects, confidence = [self.state.last_subject], 0.7  # a company named after the price
            for subject in subjects:
                value = Quantity(number.amount, number.currency or "", number.upper, number.approx)
                quals = {"model": slug(model) if model else "", "trim": slug(trim) if trim else ""}
                self._claim(s, subject, "price_from", value, confidence, quals)
        if "launched" in text or "unveiled" in text or "introduced" in text:
            self._passive_launches(s)
        for match in _LAUNCH.finditer(text):
            pos = match.end()
            appositive = _PRODUCT_APPOSITIVE.match(text, pos)
            if appositive:
                pos = appositive.end()
            product = self._product_at(s, pos)
            if not product or _ADAS_NAME.match(text, pos):
                continue
            if re.match(r"\s*models?\b", text[match.end() + len(product) :]):
                continue  # an AI model, handled elsewhere
            vehicle = next((v for v in s.vehicles if v.start == pos), None)
            date = self._nearest_date(s, match.start()) or find_weekday(text, self.doc.published)
            launch_date = date.date if date else self.doc.published
            if launch_date is None:
                continue
            subjects, confidence = (
                ([vehicle.brand_id], 0.8) if vehicle else self._subjects_at(s, match.start())
            )
            for subject in subjects:
                self._claim(
                    s,
                    subject,
                    "product_launch",
                    DateValue(launch_date),
                    confidence - (0 if date else 0.15),
                    {"model": slug(product)},
                    launch_date,
                )

    def _passive_launches(self, s: _Sentence) -> None:
        """ "The Aito M8, a large SUV, was launched in April"; "The B10, which Leapmotor launched in April"."""
        text = s.text
        names: list[tuple[int, int, str, str]] = [(v.start, v.end, v.name, v.brand_id) for v in s.vehicles]
        for match in _MODEL_TOKEN.finditer(text):
            name = match["m"] or match["m2"]
            if name and not any(start <= match.start() < end for start, end, _, _ in names):
                names.append((match.start(), match.start() + len(match.group()), name, ""))
        for start, end, name, brand in names:
            tail = _LAUNCH_PASSIVE.match(text, end)
            if tail is None:
                continue
            date = self._date_after(s, tail.end())
            if date is None:
                continue
            if brand:
                subjects, confidence = [brand], 0.75
            else:
                inside = [m for m in s.subjects if tail.start() <= m.start < tail.end()]
                subjects, confidence = (
                    ([inside[0].entity_id], 0.75) if inside else self._subjects_at(s, start)
                )
            for subject in subjects:
                self._claim(
                    s,
                    subject,
                    "product_launch",
                    DateValue(date.date),
                    confidence - 0.05,
                    {"model": slug(name)},
                    date.date,
                )

    def _respective_trims(self, s: _Sentence, money: list[Number]) -> list[str]:
        """ "The Pro and Max trims cost 279,900 yuan and 329,900 yuan respectively" → [Pro, Max]."""
        if "respectively" not in s.text or len(money) < 2:
            return []
        match = _TRIM_LIST.search(s.text)
        if not match or match.end() > money[0].start:
            return []
        names = [n for n in re.split(r"\s*(?:,\s*and|,|\band\b)\s*", match["list"]) if n]
        return names if len(names) == len(money) else []

    @staticmethod
    def _model_in(text: str, pos: int) -> str | None:
        """The last model name before ``pos`` ("The updated C11 now starts at", "the Aion UT hatchback")."""
        found = None
        for match in _MODEL_TOKEN.finditer(text, 0, pos):
            found = match["m"] or match["m2"]
        return found

    def _remember_model(self, s: _Sentence) -> None:
        model = s.vehicles[-1].name if s.vehicles else self._model_in(s.text, len(s.text))
        if model:
            self.state.last_price_model = ("", model, s.index)

    def _product_at(self, s: _Sentence, pos: int) -> str | None:
        vehicle = next((v for v in s.vehicles if v.start == pos), None)
        if vehicle:
            return vehicle.name
        match = _PRODUCT_NAME.match(s.text, pos)
        if not match:
            return None
        product = match["prod"].strip()
        words = product.split()
        if not words or words[0] in _ORG_LEAD_STOP or len(words) > 5:
            return None
        if self.matcher.find(product) and not any(ch.isdigit() for ch in product):
            return None
        if find_places(product):
            return None
        return product

    def _launched_product(self, s: _Sentence) -> str | None:
        match = _LAUNCH.search(s.text)
        return self._product_at(s, match.end()) if match else None

    # ------------------------------------------------------------------ plants
    def _plants(self, s: _Sentence) -> None:
        text = s.text
        nouns = list(_PLANT_NOUN.finditer(text))
        if not nouns:
            return
        sites: list[tuple[int, Place]] = []
        for noun in nouns:
            for place in self._places_after(s, noun.end()):
                sites.append((noun.start(), place.place))
            for place in s.places:
                gap = text[place.end : noun.start()]
                if place.end <= noun.start() and re.fullmatch(
                    r"\s*(?:-based\s+|’s\s+|'s\s+)?(?:new\s+)?", gap
                ):
                    sites.append((noun.start(), place.place))
        if not sites and re.search(r"\b(?:the|this|that|its)\s+(?:new\s+)?(?:plant|factory)\b", text, re.I):
            if self.state.last_plant and s.index - self.state.last_plant_index <= 2:
                subject, plant_site = self.state.last_plant
                self._plant_details(s, [subject], 0.7, plant_site, 0, len(text))
            return
        refined: list[tuple[int, Place]] = []
        for pos, site in sites:
            if site.kind == "country":
                finer = next(
                    (
                        p.place
                        for p in s.places
                        if p.place.kind == "city"
                        and p.place.country == site.name
                        and re.fullmatch(
                            r"(?:,\s+(?:near|outside|in)\s+|’s\s+|'s\s+)",
                            text[next(q.end for q in s.places if q.place is site) : p.start],
                        )
                    ),
                    None,
                )
                site = finer or site
            refined.append((pos, site))
        sites = refined
        seen: set[str] = set()
        for pos, site in sites:
            if site.key in seen or site.kind == "region":
                continue
            if re.search(r"\bwhose\s+(?:\S+\s+){0,2}$", text[:pos]):
                continue  # "Tesla, whose Shanghai plant ...": an aside about another company
            seen.add(site.key)
            subjects, confidence = self._subjects_at(s, pos)
            clause_start, clause_end = _clause_bounds(text, pos)
            for subject in subjects:
                self._claim(s, subject, "plant", Text(site.name), confidence, {"site": site.key})
                self.state.last_plant = (subject, site)
                self.state.last_plant_index = s.index
            self._plant_details(s, subjects, confidence, site, clause_start, clause_end)

    def _plant_details(
        self, s: _Sentence, subjects: list[str], confidence: float, site: Place, start: int, end: int
    ) -> None:
        text = s.text
        clause = text[start:end]
        quals = {"site": site.key}
        opened = _PLANT_OPEN.search(clause)
        planned = _PLANT_PLANNED.search(clause)
        dates = [d for d in s.dates if start <= d.start < end]
        date = dates[0] if dates else None
        for subject in subjects:
            if opened and date and not re.match(r"(?:is|are|already|operates)\b", opened.group()):
                self._claim(s, subject, "plant_opened", DateValue(date.date), confidence - 0.05, quals)
            if opened:
                self._claim(s, subject, "plant_status", Text("operational"), confidence - 0.1, quals)
            elif planned:
                building = re.search(r"construction|broke ground|is building", clause)
                status = "under construction" if building else "planned"
                self._claim(s, subject, "plant_status", Text(status), confidence - 0.1, quals)
            for number in s.numbers:
                if number.currency or number.percent or number.is_year or not start <= number.start < end:
                    continue
                head = text[max(0, number.start - 40) : number.start]
                if _CAPACITY.search(head) or _PER_YEAR.match(text[number.end :]):
                    value = self._quantity(number, "vehicles/year")
                    self._claim(s, subject, "plant_capacity", value, confidence - 0.05, quals)

    # ------------------------------------------------------------------ chips
    def _chips(self, s: _Sentence) -> None:
        text = s.text
        found: list[tuple[int, int, str, str]] = []  # start, end, name, supplier
        for match in _CHIP.finditer(text):
            words = match["name"].split()
            offset = match.start()
            supplier = ""
            while words and (_chip_stop(words[0]) or self.matcher.find(words[0])):
                found_mention = self.matcher.find(words[0])
                if found_mention:
                    supplier = found_mention[0].entity_id
                offset = text.index(words[0], offset) + len(words[0])
                words = words[1:]
            while words and _chip_stop(words[-1]):
                words = words[:-1]
            if not words or words[0].endswith(("’s", "'s")):
                continue
            name = " ".join(words)
            if _chip_stop(name) or len(name) < 2 or self.matcher.find(name):
                continue
            found.append((match.start(), match.end(), name, supplier))
        for match in (*_CHIP_CALLED.finditer(text), *_CHIP_FAMILY.finditer(text)):
            name = match["name"]
            if not _chip_stop(name.split()[0]) and not self.matcher.find(name):
                found.append((match.start(), match.end(), name, ""))
        if not found and _CHIP_REF.search(text) and self.state.last_chip:
            tops = _TOPS.search(text)
            subject, chip_key, chip_index = self.state.last_chip
            if tops and s.index - chip_index <= 2:
                value = Quantity(float(tops["n"].replace(",", "")), "TOPS")
                self._claim(s, subject, "chip_tops", value, 0.65, {"chip": chip_key})
            return
        for start, end, name, supplier in found:
            if _CHIP_PAST.match(text, end):
                continue  # "the Orin-X processors the company used before"
            subjects, confidence = self._chip_subjects(s, start, end, supplier)
            quals = {"chip": slug(name), "supplier": supplier}
            tops = _TOPS.search(text)
            for subject in subjects:
                self._claim(s, subject, "chip", Text(name), confidence - 0.05, quals)
                if tops:
                    value = Quantity(float(tops["n"].replace(",", "")), "TOPS")
                    self._claim(s, subject, "chip_tops", value, confidence - 0.1, {"chip": slug(name)})
                self.state.last_chip = (subject, slug(name), s.index)

    def _chip_subjects(self, s: _Sentence, start: int, end: int, supplier: str) -> tuple[list[str], float]:
        """Who uses a chip: "used by A, B and C", else a company in the same clause that is not the
        supplier ("Nvidia's Thor" names the maker), else the carried subject."""
        text = s.text
        used_by = _USED_BY.search(text, end)
        if used_by:
            users = [
                m.entity_id
                for m in s.subjects
                if m.start >= used_by.end() and not m.possessive and m.entity_id != supplier
            ]
            if users:
                return list(dict.fromkeys(users)), 0.75
        clause_start = max(text.rfind(";", 0, start), text.rfind(". ", 0, start)) + 1
        suppliers = {supplier} if supplier else set()
        for mention in s.subjects:
            # "Xpeng's own Turing chip" names the user; "Nvidia's Thor chip" names the maker
            tail = text[mention.end :]
            if (
                mention.end <= start
                and mention.start > clause_start
                and re.fullmatch(r"(?:’s|'s)?\s*", text[mention.end : start])
                and re.match(r"(?:’s|'s)", tail)
                and self._is_supplier(mention.entity_id)
            ):
                suppliers.add(mention.entity_id)
        eligible = [
            m
            for m in s.subjects
            if m.start not in s.blocked
            and m.entity_id not in suppliers
            and clause_start <= m.start
            and m.end <= start
        ]
        if eligible:
            return [eligible[-1].entity_id], 0.85
        if self.state.last_subject and self.state.last_subject not in suppliers:
            return [self.state.last_subject], 0.7
        return [], 0.0

    @staticmethod
    def _is_supplier(entity_id: str) -> bool:
        return entity_id in _CHIP_MAKERS

    # ------------------------------------------------------------------ partners, founding, HQ
    def _partners_and_identity(self, s: _Sentence) -> None:
        text = s.text
        for mention in s.mentions:
            head = text[: mention.start]
            if _PARTNER.search(head[-80:]):
                subjects, confidence = self._subjects_at(s, mention.start, exclude=[mention.entity_id])
                name = self.gaz.display_name(mention.entity_id)
                for subject in subjects:
                    self._claim(
                        s,
                        subject,
                        "partnership",
                        Text(name),
                        confidence - 0.05,
                        {"partner": mention.entity_id},
                    )
        self._mutual_partners(s)
        for date in s.dates:
            if date.kind == "year" and _FOUNDED.search(text[: date.start]):
                subjects, confidence = self._subjects_at(s, date.start)
                if re.search(
                    r"\b(?:center|centre|lab|plant|factory|office|team|hub|facility|operations)\b", text
                ):
                    continue
                for subject in subjects:
                    self._claim(s, subject, "founded", DateValue(date.date), confidence)
        self._headquarters_described(s)
        for place in s.places:
            if _HQ.search(text[: place.start]) or re.match(r"-based\s+", text[place.end :]):
                pos = place.start if _HQ.search(text[: place.start]) else place.end
                if re.match(r"-based\s+", text[place.end :]):
                    subject_mention = next(
                        (m for m in s.subjects if m.start >= place.end and m.start - place.end < 12), None
                    )
                    subjects = [subject_mention.entity_id] if subject_mention else []
                    confidence = 0.75
                else:
                    subjects, confidence = self._subjects_at(s, pos)
                if re.search(r"\b(?:startup|supplier)\b", text) and not subjects:
                    continue
                for subject in subjects:
                    self._claim(s, subject, "headquarters", Text(place.place.name), confidence - 0.1)

    def _headquarters_described(self, s: _Sentence) -> None:
        """ "the Shenzhen-based automaker", "DeepRoute.ai, a Shenzhen-based developer", "The Hangzhou
        company", "Hangzhou, where Leapmotor is headquartered"."""
        text = s.text
        for place in s.places:
            if place.place.kind != "city":
                continue
            head, tail = text[: place.start], text[place.end :]
            if _HQ_NOUN.match(tail):
                appositive = re.search(r"(?:’s|'s)?,\s+(?:the|a|an|its|their)\s+$", head)
                owner = None
                if appositive:
                    owner = next((m for m in s.subjects if m.end == appositive.start()), None)
                    if owner is None:
                        owner = next((m for m in s.subjects if 0 <= appositive.start() - m.end <= 12), None)
                if owner is not None:
                    subjects, confidence = [owner.entity_id], 0.8
                elif re.search(r"(?:^|\s)(?:the|The)\s+$", head):
                    before = [m for m in s.subjects if m.end <= place.start and m.start not in s.blocked]
                    noun = _HQ_NOUN.match(tail)
                    assert noun is not None
                    if before and re.match(r"\s+(?:said|says|announced|reported)\b", tail[noun.end() :]):
                        self._claim(s, before[0].entity_id, "headquarters", Text(place.place.name), 0.7)
                        continue
                    if before:
                        continue  # "... than BYD, the Shenzhen-based automaker": leave it
                    if not self.state.last_subject:
                        continue
                    subjects, confidence = [self.state.last_subject], 0.7
                else:
                    continue
                for subject in subjects:
                    self._claim(s, subject, "headquarters", Text(place.place.name), confidence - 0.05)
            where = re.match(r",\s+where\s+", tail)
            if where:
                owner = next((m for m in s.subjects if m.start == place.end + where.end()), None)
                if owner and re.match(r"\s+(?:is|has been)\s+(?:headquartered|based)\b", text[owner.end :]):
                    self._claim(s, owner.entity_id, "headquarters", Text(place.place.name), 0.75)

    # ------------------------------------------------------------------ developments and unknown orgs
    def _developments(self, s: _Sentence, result: Extraction) -> None:
        if not s.mentions:
            return
        topic = classify(s.text)
        seen: set[str] = set()
        for mention in s.mentions:
            if mention.entity_id in seen:
                continue
            seen.add(mention.entity_id)
            result.developments.append(
                DevelopmentDraft(mention.entity_id, topic, self.body[s.start : s.end], s.start, s.end)
            )

    def _unknown_orgs(self, s: _Sentence, result: Extraction) -> None:
        for match in _ORG_CUE.finditer(s.text):
            name = match["org"].strip().rstrip(",")
            words = name.split()
            while words and words[0] in _ORG_LEAD_STOP:
                words = words[1:]
            if len(words) < 2:
                continue
            name = " ".join(words)
            if self.gaz.lookup(name) or self.gaz.lookup(words[0]) or self.matcher.find(words[0]):
                continue
            if any(self.gaz.lookup(" ".join(words[:i])) for i in range(1, len(words))):
                continue
            start = s.start + match.end() - len(name)
            if self.body[start : s.start + match.end()] != name:
                start = s.start + match.start()
                name = self.body[start : s.start + match.end()]
            result.unknown_orgs.append(
                UnknownOrg(name=name, quote=self.body[s.start : s.end], start=s.start, end=s.end)
            )

    def _drop_country_sites(self) -> None:
        """An R&D site given only as a country is dropped when a city site in that country is known."""
        cities: dict[str, set[str]] = {}
        for claim in self.claims:
            if claim.property == "rd_site":
                place = _place_by_key(claim.qualifiers.get("site", ""))
                if place is not None and place.kind == "city" and place.country:
                    cities.setdefault(claim.subject, set()).add(place.country)
        kept: list[ClaimDraft] = []
        for claim in self.claims:
            if claim.property.startswith("rd_site"):
                place = _place_by_key(claim.qualifiers.get("site", ""))
                if (
                    place is not None
                    and place.kind == "country"
                    and place.name in cities.get(claim.subject, set())
                ):
                    continue
            kept.append(claim)
        self.claims = kept


# --------------------------------------------------------------------------- free helpers
def _place_by_key(key: str) -> Place | None:
    return _PLACES_BY_KEY.get(key)


_CLAUSE_SEP = re.compile(
    r",\s+(?:while|whereas|but|and|although)\s+|;\s*|\s+and\s+(?=(?:is|are|has|have|will|plans|it)\b)"
)


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    start, end = 0, len(text)
    for match in _CLAUSE_SEP.finditer(text):
        if match.end() <= pos:
            start = match.end()
        elif match.start() >= pos:
            end = match.start()
            break
    return start, end


def _scenario(word: str) -> str:
    word = word.lower()
    return {"expressway": "highway", "motorway": "highway", "city": "urban"}.get(word, word)


def _split_list(raw: str) -> list[str]:
    """ "a, b, and c" → [a, b, c]; "x and y z" splits at "and" only when both sides have two words."""
    raw = raw.strip().rstrip(".")
    if "," in raw:
        parts = [p.strip() for p in raw.split(",")]
        parts = [re.sub(r"^(?:and|or)\s+", "", p) for p in parts]
        last = re.split(r"\s+and\s+", parts[-1], maxsplit=1) if len(parts) >= 2 else [parts[-1]]
        parts = parts[:-1] + last
        return [p for p in parts if p]
    halves = re.split(r"\s+and\s+", raw)
    if len(halves) == 2 and all(len(h.split()) >= 2 for h in halves):
        return halves
    return [raw]


def _model_name(head: str) -> tuple[str, str] | None:
    """The AI model named right before the word "model": (key, display)."""
    tokens = head.rstrip().split()
    picked: list[str] = []
    for token in reversed(tokens[-6:]):
        bare = token.strip(',;:“”"')
        if bare != token and not bare.startswith("(") and token.endswith((",", ";", ":", "”", '"')):
            break
        if bare.lower() in _MODEL_STOP or bare.endswith(("’s", "'s")):
            break
        picked.insert(0, bare)
        if len(picked) >= 4:
            break
    if not picked:
        return None
    acronym = next(
        (t.strip("()") for t in picked if re.fullmatch(r"\(?[A-Z][A-Za-z]*[A-Z][A-Za-z0-9.-]*\)?", t)), None
    )
    if acronym:
        return slug(acronym), acronym
    words = [w for w in picked if w.lower() not in _MODEL_GENERIC or len(picked) > 1]
    words = [re.sub(r"-based$", "", w) for w in words]
    if not words or all(w.lower() in _MODEL_GENERIC for w in words):
        return None
    if any(not re.fullmatch(r"[A-Za-z][\w-]*", w) for w in words):
        return None
    display = " ".join(words) + " model"
    return slug(display), display
