"""Demo data for the first deployment, Vårby gård in Huddinge: plain Python data + one loader.

Everything here is invented for development and demonstrations. Organisations are real
public bodies, companies and kinds of associations that plausibly work in Vårby gård, but
what they "do" below is made up; every person is invented and every email address is
``@example.se`` / ``@example.org``. Coordinates and boundaries are approximate.

The loader is idempotent: rows are looked up by their natural key (slug, email, a
deterministic ``public_id`` for problems) and only missing rows are created. Existing rows
are never saved again, so a second run writes nothing: no changed rows, no history events.
Dates are relative to today, so "live" and "ended" stay meaningful over time.
"""

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pghistory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from initiatives.models import Initiative, InitiativeUpdate, JoinRequest, ScheduleSlot
from partnership.models import Area, TargetGroup, Theme
from partnership.problems.models import (
    Problem,
    ProblemEndorsement,
    ProblemResponsibility,
    SafetyWalk,
)
from stakeholders.models import Membership, Organization, User

# Known on purpose: development only. load_demo refuses to run with DEBUG off unless told.
DEMO_PASSWORD = "demo-losenord-2026"

# Problems have no slug; a deterministic public_id is their natural key (and gives stable
# demo URLs across databases).
DEMO_NAMESPACE = uuid.UUID("6f0c8a52-3d0e-4c3b-9a55-5b1f7e2d9c10")

MON, TUE, WED, THU, FRI, SAT, SUN = range(1, 8)


def _ring(*lon_lat: tuple[float, float]) -> dict:
    """A GeoJSON Polygon from its corners as (lon, lat), the ring closed for us."""
    corners = [[lon, lat] for lon, lat in lon_lat]
    return {"type": "Polygon", "coordinates": [[*corners, corners[0]]]}


# --- Areas (parents before children) ---------------------------------------------------------
AREAS = [
    {
        "slug": "huddinge",
        "name": "Huddinge kommun",
        "parent": None,
        "point": (59.2367, 17.9819),
        "description": "Kommunen söder om Stockholm där partnerskapet verkar.",
        "boundary": _ring(
            (17.855, 59.278),
            (17.930, 59.292),
            (18.060, 59.270),
            (18.150, 59.230),
            (18.120, 59.160),
            (17.980, 59.150),
            (17.880, 59.190),
        ),
    },
    {
        "slug": "varby-gard",
        "name": "Vårby gård",
        "parent": "huddinge",
        "point": (59.2660, 17.8830),
        "description": (
            "Bostadsområde i nordvästra Huddinge kring tunnelbanestationen Vårby gård, "
            "från E4/E20 i söder till Mälaren och Vårby udde i norr."
        ),
        "boundary": _ring(
            (17.8715, 59.2580),
            (17.8925, 59.2578),
            (17.8930, 59.2700),
            (17.8870, 59.2768),
            (17.8715, 59.2768),
        ),
    },
    {
        "slug": "varby-gard-centrum",
        "name": "Vårby gård centrum och torget",
        "parent": "varby-gard",
        "point": (59.2647, 17.8843),
        "description": "Centrumet, torget och uppgångarna till tunnelbanestationen Vårby gård.",
        "boundary": _ring(
            (17.8815, 59.2630),
            (17.8870, 59.2630),
            (17.8872, 59.2665),
            (17.8815, 59.2665),
        ),
    },
    {
        "slug": "varby-alle",
        "name": "Vårby allé",
        "parent": "varby-gard",
        "point": (59.2662, 17.8778),
        "description": "Flerbostadshusen längs Vårby allé väster om centrum, med gångtunnlar.",
        "boundary": _ring(
            (17.8718, 59.2635),
            (17.8815, 59.2632),
            (17.8815, 59.2688),
            (17.8718, 59.2690),
        ),
    },
    {
        "slug": "varby-gard-norra",
        "name": "Vårby gård norra",
        "parent": "varby-gard",
        "point": (59.2690, 17.8862),
        "description": "Skolan, idrottshallen, bollplanen och bostäderna norr om centrum.",
        "boundary": _ring(
            (17.8815, 59.2665),
            (17.8920, 59.2665),
            (17.8925, 59.2700),
            (17.8870, 59.2715),
            (17.8815, 59.2712),
        ),
    },
    {
        "slug": "varby-gard-sodra",
        "name": "Vårby gård södra",
        "parent": "varby-gard",
        "point": (59.2608, 17.8850),
        "description": "Bostäder, lekplatser och parkeringar mellan centrum och E4/E20.",
        "boundary": _ring(
            (17.8760, 59.2582),
            (17.8922, 59.2580),
            (17.8922, 59.2630),
            (17.8760, 59.2632),
        ),
    },
    {
        "slug": "varby-udde",
        "name": "Vårby udde och strandpromenaden",
        "parent": "varby-gard",
        "point": (59.2738, 17.8792),
        "description": "Udden vid Mälaren med badplats, strandpromenad och gångväg från centrum.",
        "boundary": _ring(
            (17.8718, 59.2712),
            (17.8868, 59.2715),
            (17.8862, 59.2766),
            (17.8718, 59.2766),
        ),
    },
]

# --- Vocabulary -------------------------------------------------------------------------------
# (slug, Swedish, English, Swedish description)
THEMES = [
    ("belysning", "Belysning", "Lighting", "Gatubelysning, belysning i gångtunnlar och på gårdar."),
    ("nattvandring", "Nattvandring", "Night walks", "Vuxna som rör sig ute kvällar och nätter."),
    ("stadning", "Städning och nedskräpning", "Cleaning and litter", "Skräp, städrundor."),
    ("klotter", "Klotter och skadegörelse", "Graffiti and vandalism", "Sanering, anlagda bränder."),
    ("fritid-unga", "Fritidsaktiviteter för unga", "Leisure activities for young people", ""),
    ("foraldrastod", "Föräldrastöd", "Parent support", "Föräldraträffar och föräldraprogram."),
    ("trafiksakerhet", "Trafiksäkerhet", "Traffic safety", "Skolvägar, hastighet, mopeder."),
    ("trygghetsvandringar", "Trygghetsvandringar", "Safety walks", "Gemensamma vandringar."),
    ("grannsamverkan", "Grannsamverkan", "Neighbourhood watch", "Grannar och butiker samverkar."),
    ("droger", "Droger och narkotika", "Drugs", "Narkotikaförsäljning och missbruk."),
    ("inbrott", "Inbrott och stölder", "Burglary and theft", "Källarförråd, cyklar, lägenheter."),
    (
        "fysisk-miljo",
        "Otrygga platser och fysisk miljö",
        "Unsafe places and physical environment",
        "",
    ),
    ("kameraovervakning", "Kameraövervakning", "Camera surveillance", ""),
    ("vald-i-nara-relationer", "Våld i nära relationer", "Domestic violence", ""),
    ("skola-studier", "Skola och studier", "School and studies", "Läxhjälp, närvaro, studiero."),
    (
        "rekrytering",
        "Förebygga rekrytering till kriminalitet",
        "Preventing recruitment into crime",
        "",
    ),
]

TARGET_GROUPS = [
    ("barn", "Barn 6–12 år", "Children 6–12"),
    ("unga-13-17", "Unga 13–17 år", "Young people 13–17"),
    ("unga-vuxna-18-25", "Unga vuxna 18–25 år", "Young adults 18–25"),
    ("foraldrar", "Föräldrar", "Parents"),
    ("boende", "Boende", "Residents"),
    ("aldre", "Äldre", "Older people"),
    ("naringsidkare", "Näringsidkare", "Business owners"),
    ("fastighetspersonal", "Fastighetspersonal", "Property staff"),
]

# --- Organisations ----------------------------------------------------------------------------
PROPERTY, ASSOCIATION, SCHOOL, MUNICIPALITY, POLICE, BUSINESS, FAITH, OTHER = (
    Organization.Kind.PROPERTY_OWNER,
    Organization.Kind.ASSOCIATION,
    Organization.Kind.SCHOOL,
    Organization.Kind.MUNICIPALITY,
    Organization.Kind.POLICE,
    Organization.Kind.BUSINESS,
    Organization.Kind.FAITH_COMMUNITY,
    Organization.Kind.OTHER,
)
APPROVED, PENDING, SUSPENDED = (
    Organization.Status.APPROVED,
    Organization.Status.PENDING,
    Organization.Status.SUSPENDED,
)

ORGANIZATIONS = [
    {
        "slug": "huddinge-kommun",
        "name": "Huddinge kommun",
        "kind": MUNICIPALITY,
        "description": "Kommunen: gator, parker, belysning, fritidsgårdar, fältassistenter "
        "och socialtjänst.",
        "website": "https://www.huddinge.se",
        "areas": ["huddinge"],
        "themes": ["belysning", "fysisk-miljo", "trafiksakerhet", "fritid-unga", "foraldrastod"],
    },
    {
        "slug": "hubra",
        "name": "Huddinge brottsförebyggande råd (HuBrå)",
        "kind": MUNICIPALITY,
        "description": "Kommunens brottsförebyggande råd. Samordnar partnerskapet mot brott, "
        "trygghetsvandringar och trygghetsmätningar.",
        "areas": ["huddinge"],
        "themes": ["trygghetsvandringar", "rekrytering", "fysisk-miljo"],
    },
    {
        "slug": "polisen-lpo-huddinge",
        "name": "Polisen, lokalpolisområde Huddinge",
        "kind": POLICE,
        "description": "Lokalpolisområdet med kommunpoliser och områdespoliser i Vårby gård.",
        "website": "https://polisen.se",
        "public_phone": "114 14",
        "areas": ["huddinge"],
        "themes": ["droger", "grannsamverkan", "inbrott", "rekrytering"],
    },
    {
        "slug": "balder",
        "name": "Fastighets AB Balder",
        "kind": PROPERTY,
        "description": "Fastighetsägare med många hyreslägenheter och centrumet i Vårby gård.",
        "website": "https://www.balder.se",
        "areas": ["varby-gard-centrum", "varby-alle", "varby-gard-sodra"],
        "themes": ["stadning", "klotter", "belysning", "inbrott"],
    },
    {
        "slug": "huge-bostader",
        "name": "Huge Bostäder AB",
        "kind": PROPERTY,
        "description": "Huddinge kommuns allmännyttiga bostadsbolag.",
        "website": "https://www.hugebostader.se",
        "areas": ["varby-alle", "varby-gard-norra"],
        "themes": ["inbrott", "fysisk-miljo", "stadning"],
    },
    {
        "slug": "brf-varby-strand",
        "name": "Brf Vårby Strand",
        "kind": PROPERTY,
        "description": "Bostadsrättsförening vid strandpromenaden (fiktiv demoförening).",
        "areas": ["varby-udde"],
        "themes": ["grannsamverkan", "stadning"],
    },
    {
        "slug": "malarbo-fastigheter",
        "name": "Mälarbo Fastigheter AB",
        "kind": PROPERTY,
        "description": "Privat hyresvärd med fyra hus i södra Vårby gård (fiktivt bolag).",
        "areas": ["varby-gard-sodra"],
        "themes": ["belysning", "fysisk-miljo"],
    },
    {
        "slug": "arena-143",
        "name": "Arena 143",
        "kind": ASSOCIATION,
        "description": "Ungdomsprojekt i Vårby gård: kvällsöppen idrottshall, mentorer och "
        "sommaraktiviteter (fiktiv demoversion).",
        "areas": ["varby-gard"],
        "themes": ["fritid-unga", "rekrytering"],
    },
    {
        "slug": "varby-gard-if",
        "name": "Vårby gård IF",
        "kind": ASSOCIATION,
        "description": "Idrottsförening med fotboll och futsal för barn och unga.",
        "areas": ["varby-gard-norra"],
        "themes": ["fritid-unga"],
    },
    {
        "slug": "nattvandring-i-varby",
        "name": "Nattvandring i Vårby",
        "kind": ASSOCIATION,
        "description": "Föräldrar och andra vuxna som nattvandrar i Vårby gård helgkvällar.",
        "public_email": "nattvandring@example.org",
        "areas": ["varby-gard"],
        "themes": ["nattvandring"],
    },
    {
        "slug": "hyresgastforeningen-varby-gard",
        "name": "Hyresgästföreningen Vårby gård",
        "kind": ASSOCIATION,
        "description": "Lokal hyresgästförening: boendeinflytande, skräpplockardagar och "
        "trygghetsfrågor.",
        "areas": ["varby-alle", "varby-gard-norra", "varby-gard-sodra"],
        "themes": ["stadning", "fysisk-miljo", "grannsamverkan"],
    },
    {
        "slug": "foraldraforeningen-varby-gard",
        "name": "Föräldraföreningen i Vårby gård",
        "kind": ASSOCIATION,
        "description": "Föräldrar som ordnar föräldracafé, gående skolbuss och vuxenvandringar.",
        "areas": ["varby-gard"],
        "themes": ["foraldrastod", "trafiksakerhet", "nattvandring"],
    },
    {
        "slug": "varby-gards-skola",
        "name": "Vårby gårds skola",
        "kind": SCHOOL,
        "description": "Grundskola F–9 i norra Vårby gård (demonamn).",
        "areas": ["varby-gard-norra"],
        "themes": ["skola-studier", "trafiksakerhet"],
    },
    {
        "slug": "svenska-kyrkan-huddinge",
        "name": "Svenska kyrkan i Huddinge, Vårby",
        "kind": FAITH,
        "description": "Församlingen i Vårby: läxhjälp, fredagsvandringar och öppen mötesplats.",
        "website": "https://www.svenskakyrkan.se/huddinge",
        "areas": ["varby-gard-centrum"],
        "themes": ["nattvandring", "skola-studier"],
    },
    {
        "slug": "varby-islamiska-forening",
        "name": "Islamiska föreningen i Vårby gård",
        "kind": FAITH,
        "description": "Muslimsk församling med föräldraträffar och ungdomsverksamhet "
        "(fiktiv demoförening).",
        "areas": ["varby-gard-centrum"],
        "themes": ["foraldrastod", "fritid-unga"],
    },
    {
        "slug": "ica-nara-varby-gard",
        "name": "ICA Nära Vårby gård",
        "kind": BUSINESS,
        "description": "Livsmedelsbutik i Vårby gård centrum.",
        "areas": ["varby-gard-centrum"],
        "themes": ["grannsamverkan"],
    },
    {
        "slug": "varby-gards-centrumforening",
        "name": "Vårby gårds centrumförening",
        "kind": BUSINESS,
        "description": "Butikerna och verksamheterna i centrum samverkar om trygghet och trivsel.",
        "areas": ["varby-gard-centrum"],
        "themes": ["grannsamverkan", "fysisk-miljo", "stadning"],
    },
    {
        "slug": "sl-trafikforvaltningen",
        "name": "Region Stockholm, Trafikförvaltningen (SL)",
        "kind": OTHER,
        "description": "Ansvarar för tunnelbanestationen Vårby gård och busshållplatserna.",
        "areas": ["varby-gard-centrum"],
        "themes": ["kameraovervakning", "fysisk-miljo"],
    },
    {
        "slug": "sodertorns-brandforsvarsforbund",
        "name": "Södertörns brandförsvarsförbund",
        "kind": OTHER,
        "description": "Räddningstjänsten: förebygger anlagda bränder och brand i soprum.",
        "areas": ["varby-gard"],
        "themes": ["klotter"],
    },
    # Not approved: their work must never show on public pages.
    {
        "slug": "varby-kvinnoforening",
        "name": "Vårby kvinnoförening",
        "kind": ASSOCIATION,
        "status": PENDING,
        "description": "Ny förening för kvinnor i Vårby gård; ansökan väntar på godkännande.",
        "areas": ["varby-gard-centrum"],
        "themes": ["vald-i-nara-relationer"],
    },
    {
        "slug": "nordvakt-sakerhet",
        "name": "Nordvakt Säkerhet AB",
        "kind": BUSINESS,
        "status": SUSPENDED,
        "description": "Bevakningsföretag (fiktivt). Avstängt i väntan på utredning.",
        "areas": ["varby-gard-centrum"],
        "themes": ["kameraovervakning"],
    },
]

# --- Demo accounts (invented people) -----------------------------------------------------------
# memberships: (organisation slug, role)
ADMIN, MEMBER = Membership.Role.ADMIN, Membership.Role.MEMBER
USERS = [
    {
        "email": "superuser@example.se",
        "first_name": "Sune",
        "last_name": "Systemsson",
        "title": "Systemförvaltare",
        "is_staff": True,
        "is_superuser": True,
    },
    {
        "email": "samordnare@example.se",
        "first_name": "Karin",
        "last_name": "Trygg",
        "title": "Samordnare, partnerskap mot brott",
        "is_coordinator": True,
        "memberships": [("hubra", MEMBER)],
    },
    {
        "email": "admin.balder@example.se",
        "first_name": "Elin",
        "last_name": "Berggren",
        "title": "Områdesförvaltare",
        "memberships": [("balder", ADMIN)],
    },
    {
        "email": "medlem@example.se",
        "first_name": "Mats",
        "last_name": "Lindholm",
        "title": "Bovärd",
        "memberships": [("balder", MEMBER)],
    },
    {
        "email": "admin.huge@example.se",
        "first_name": "Fatima",
        "last_name": "Yusufsdotter",
        "title": "Trygghetssamordnare",
        "memberships": [("huge-bostader", ADMIN)],
    },
    {
        "email": "medlem.huge@example.se",
        "first_name": "Oskar",
        "last_name": "Nyström",
        "title": "Fastighetsskötare",
        "memberships": [("huge-bostader", MEMBER)],
    },
    {
        "email": "admin.kommun@example.se",
        "first_name": "Lena",
        "last_name": "Holmvik",
        "title": "Trygghetsstrateg",
        "memberships": [("huddinge-kommun", ADMIN)],
    },
    {
        "email": "admin.hubra@example.se",
        "first_name": "Sofia",
        "last_name": "Brottsberg",
        "title": "Brottsförebyggande samordnare",
        "memberships": [("hubra", ADMIN)],
    },
    {
        "email": "admin.polisen@example.se",
        "first_name": "Johan",
        "last_name": "Eksjövik",
        "title": "Kommunpolis",
        "memberships": [("polisen-lpo-huddinge", ADMIN)],
    },
    {
        "email": "medlem.polisen@example.se",
        "first_name": "Amina",
        "last_name": "Områdesson",
        "title": "Områdespolis",
        "memberships": [("polisen-lpo-huddinge", MEMBER)],
    },
    {
        "email": "admin.nattvandring@example.se",
        "first_name": "Ali",
        "last_name": "Nattström",
        "title": "Ordförande",
        "memberships": [("nattvandring-i-varby", ADMIN)],
    },
    {
        "email": "medlem.nattvandring@example.se",
        "first_name": "Maria",
        "last_name": "Kvällsten",
        "memberships": [
            ("nattvandring-i-varby", MEMBER),
            ("foraldraforeningen-varby-gard", MEMBER),
        ],
    },
    {
        "email": "admin.skolan@example.se",
        "first_name": "Per",
        "last_name": "Skolgren",
        "title": "Rektor",
        "memberships": [("varby-gards-skola", ADMIN)],
    },
    {
        "email": "admin.hyresgast@example.se",
        "first_name": "Hanna",
        "last_name": "Bergsgård",
        "title": "Ordförande",
        "memberships": [("hyresgastforeningen-varby-gard", ADMIN)],
    },
    {
        "email": "admin.arena@example.se",
        "first_name": "Daniel",
        "last_name": "Arenander",
        "title": "Projektledare",
        "memberships": [("arena-143", ADMIN), ("varby-gard-if", MEMBER)],
    },
    {
        "email": "admin.kyrkan@example.se",
        "first_name": "Anna",
        "last_name": "Lundkvistén",
        "title": "Diakon",
        "memberships": [("svenska-kyrkan-huddinge", ADMIN)],
    },
    {
        "email": "admin.centrum@example.se",
        "first_name": "Erik",
        "last_name": "Sandtorg",
        "title": "Centrumledare",
        "memberships": [("varby-gards-centrumforening", ADMIN), ("ica-nara-varby-gard", MEMBER)],
    },
    {
        "email": "admin.foraldrar@example.se",
        "first_name": "Leila",
        "last_name": "Föräldrasson",
        "memberships": [("foraldraforeningen-varby-gard", ADMIN)],
    },
    {
        "email": "admin.kvinnoforening@example.se",
        "first_name": "Nadia",
        "last_name": "Väntesson",
        "title": "Ordförande",
        "memberships": [("varby-kvinnoforening", ADMIN)],
    },
    {
        "email": "medlem.nordvakt@example.se",
        "first_name": "Kevin",
        "last_name": "Avstängd",
        "memberships": [("nordvakt-sakerhet", MEMBER)],
    },
    {
        "email": "ingen.organisation@example.se",
        "first_name": "Ingrid",
        "last_name": "Utanför",
    },
]

# --- Problems ----------------------------------------------------------------------------------
SW, SS, PP, RR, PO = (
    Problem.Source.SAFETY_WALK,
    Problem.Source.SAFETY_SURVEY,
    Problem.Source.POLICE_PICTURE,
    Problem.Source.RESIDENT_REPORT,
    Problem.Source.PARTNER_OBSERVATION,
)
OPEN, ADDRESSED, RESOLVED, DISMISSED = (
    Problem.Status.OPEN,
    Problem.Status.BEING_ADDRESSED,
    Problem.Status.RESOLVED,
    Problem.Status.DISMISSED,
)
PUBLIC, PARTNERS = "public", "partners"

# observed: days before today; times: (from, to) or None; endorsements: (org, note);
# responsibilities: (org, role, commitment, due in days or None).
PROBLEMS = [
    {
        "key": "mork-gangtunnel-varby-alle",
        "title": "Mörk gångtunnel under Vårby allé",
        "description": "Flera lampor i gångtunneln är trasiga och tunneln upplevs som mycket "
        "otrygg efter mörkrets inbrott. Många boende tar en längre omväg.",
        "area": "varby-alle",
        "point": (59.2655, 17.8801),
        "themes": ["belysning", "fysisk-miljo"],
        "source": SW,
        "observed": 75,
        "times": ("17:00", "07:00"),
        "severity": 4,
        "status": ADDRESSED,
        "visibility": PUBLIC,
        "recorded_by": "huddinge-kommun",
        "endorsements": [
            ("hyresgastforeningen-varby-gard", "Många medlemmar har tagit upp tunneln."),
            ("balder", ""),
        ],
        "responsibilities": [
            ("huddinge-kommun", "lead", "Byter armaturer och ljusare ytskikt i tunneln.", 60),
            ("balder", "supporting", "Beskär buskage vid tunnelns norra mynning.", 30),
        ],
    },
    {
        "key": "narkotika-tunnelbaneuppgangen",
        "title": "Narkotikaförsäljning vid tunnelbaneuppgången",
        "description": "Öppen försäljning vid uppgången mot torget torsdag–lördag kvällar. "
        "Unga används som springpojkar.",
        "area": "varby-gard-centrum",
        "point": (59.2645, 17.8846),
        "themes": ["droger", "rekrytering"],
        "source": PP,
        "observed": 40,
        "weekdays": [THU, FRI, SAT],
        "times": ("19:00", "01:00"),
        "severity": 5,
        "status": ADDRESSED,
        "visibility": PARTNERS,
        "recorded_by": "polisen-lpo-huddinge",
        "endorsements": [
            ("varby-gards-centrumforening", "Butikspersonalen ser samma sak."),
            ("sl-trafikforvaltningen", ""),
            ("nattvandring-i-varby", "Vi möter det varje helg."),
        ],
        "responsibilities": [
            ("polisen-lpo-huddinge", "lead", "Riktade kontroller torsdag–lördag.", 90),
            ("sl-trafikforvaltningen", "supporting", "Ser över belysning och kameror.", 120),
        ],
    },
    {
        "key": "nedskrapning-torget",
        "title": "Nedskräpning på torget efter butikernas stängning",
        "description": "Pizzakartonger, burkar och engångsgrillar ligger kvar på torget på "
        "helgerna. Papperskorgarna blir fulla redan på fredagskvällen.",
        "area": "varby-gard-centrum",
        "themes": ["stadning"],
        "source": RR,
        "observed": 20,
        "weekdays": [FRI, SAT, SUN],
        "times": ("20:00", "02:00"),
        "severity": 2,
        "status": ADDRESSED,
        "visibility": PUBLIC,
        "recorded_by": "hyresgastforeningen-varby-gard",
        "endorsements": [("varby-gards-centrumforening", ""), ("ica-nara-varby-gard", "")],
        "responsibilities": [
            ("balder", "lead", "Fler och större papperskorgar, tömning även lördag kväll.", 45),
        ],
    },
    {
        "key": "mopeder-gangvagar",
        "title": "Mopeder och EPA-traktorer på gång- och cykelvägar",
        "description": "Mopeder kör i hög fart på gångvägen mellan skolan och bollplanen, "
        "särskilt fredag och lördag kväll. Barn och äldre har nästan blivit påkörda.",
        "area": "varby-gard-norra",
        "themes": ["trafiksakerhet"],
        "source": RR,
        "observed": 12,
        "weekdays": [FRI, SAT],
        "times": ("18:00", "23:00"),
        "severity": 3,
        "status": OPEN,
        "visibility": PUBLIC,
        "recorded_by": "hyresgastforeningen-varby-gard",
        "endorsements": [("huge-bostader", "Våra fastighetsskötare har sett samma sak.")],
    },
    {
        "key": "inbrott-kallarforrad",
        "title": "Inbrott i källarförråd",
        "description": "Serie av inbrott i källarförråd, dörrar bryts upp nattetid.",
        "area": "varby-alle",
        "themes": ["inbrott"],
        "source": PP,
        "observed": 60,
        "severity": 3,
        "status": ADDRESSED,
        "visibility": PARTNERS,
        "recorded_by": "balder",
        "endorsements": [
            ("huge-bostader", ""),
            ("brf-varby-strand", "Två inbrott i vår förening."),
        ],
        "responsibilities": [
            ("balder", "lead", "Byter förrådsdörrar och inför passagesystem.", 60),
            ("polisen-lpo-huddinge", "supporting", "Informerar på grannsamverkansträffar.", None),
        ],
    },
    {
        "key": "unga-i-trapphus",
        "title": "Unga samlas i trapphus och porter sena kvällar",
        "description": "Grupper av unga samlas i trapphus, boende känner sig otrygga och det "
        "blir nedskräpat. Ofta unga som saknar någonstans att vara.",
        "area": "varby-alle",
        "themes": ["fritid-unga", "fysisk-miljo"],
        "source": PO,
        "observed": 30,
        "weekdays": [FRI, SAT],
        "times": ("21:00", "01:00"),
        "severity": 3,
        "status": ADDRESSED,
        "visibility": PARTNERS,
        "recorded_by": "huge-bostader",
        "endorsements": [("balder", "")],
        "responsibilities": [
            ("arena-143", "lead", "Håller idrottshallen öppen fredag och lördag kväll.", None),
        ],
    },
    {
        "key": "klotter-skolans-fasad",
        "title": "Klotter på skolans fasad",
        "description": "Återkommande klotter på gaveln mot bollplanen.",
        "area": "varby-gard-norra",
        "themes": ["klotter"],
        "source": PO,
        "observed": 110,
        "severity": 2,
        "status": RESOLVED,
        "outcome": "Klottret sanerades inom ett dygn varje gång under två månader och gaveln "
        "fick klotterskydd. Inget nytt klotter sedan dess.",
        "visibility": PUBLIC,
        "recorded_by": "varby-gards-skola",
    },
    {
        "key": "buskage-lekplats",
        "title": "Buskage skymmer sikten vid lekplatsen",
        "description": "Höga buskar runt lekplatsen gör att man inte ser in eller ut.",
        "area": "varby-gard-sodra",
        "point": (59.2607, 17.8838),
        "themes": ["fysisk-miljo"],
        "source": SW,
        "observed": 230,
        "severity": 2,
        "status": RESOLVED,
        "outcome": "Buskaget beskars och två nya lampor sattes upp.",
        "visibility": PUBLIC,
        "recorded_by": "huddinge-kommun",
    },
    {
        "key": "kameror-torget",
        "title": "Önskemål om kameraövervakning på torget",
        "description": "Flera näringsidkare vill ha kameror på torget.",
        "area": "varby-gard-centrum",
        "themes": ["kameraovervakning"],
        "source": RR,
        "observed": 150,
        "severity": 2,
        "status": DISMISSED,
        "outcome": "Partnerskapet prioriterar belysning, trygghetsvärdar och närvaro. Frågan "
        "tas upp igen efter nästa trygghetsmätning.",
        "visibility": PARTNERS,
        "recorded_by": "varby-gards-centrumforening",
    },
    {
        "key": "fortkorning-vid-skolan",
        "title": "Bilar kör för fort förbi skolan vid lämning",
        "description": "Föräldrar som skjutsar kör fort och stannar på övergångsstället.",
        "area": "varby-gard-norra",
        "point": (59.2694, 17.8871),
        "themes": ["trafiksakerhet"],
        "source": SS,
        "observed": 50,
        "weekdays": [MON, TUE, WED, THU, FRI],
        "times": ("07:30", "08:30"),
        "severity": 4,
        "status": ADDRESSED,
        "visibility": PUBLIC,
        "recorded_by": "foraldraforeningen-varby-gard",
        "endorsements": [("varby-gards-skola", "")],
        "responsibilities": [
            ("huddinge-kommun", "lead", "Hastighetsdämpning och ny skyltning.", 150),
            ("foraldraforeningen-varby-gard", "supporting", "Startar gående skolbuss.", None),
        ],
    },
    {
        "key": "aldre-undviker-centrum",
        "title": "Äldre undviker centrum efter mörkrets inbrott",
        "description": "I trygghetsmätningen svarar många äldre att de inte går till centrum "
        "på kvällen.",
        "area": "varby-gard-centrum",
        "themes": ["fysisk-miljo", "belysning"],
        "source": SS,
        "observed": 200,
        "times": ("17:00", "22:00"),
        "severity": 3,
        "status": OPEN,
        "visibility": PUBLIC,
        "recorded_by": "hubra",
        "endorsements": [
            ("svenska-kyrkan-huddinge", "Samma bild i vår äldreverksamhet."),
            ("hyresgastforeningen-varby-gard", ""),
        ],
    },
    {
        "key": "rekrytering-sociala-medier",
        "title": "Unga rekryteras till kriminella nätverk via sociala medier",
        "description": "Polisen och skolan ser att unga kontaktas med erbjudanden om "
        "'snabba pengar'. Lägesbilden delas bara med partnerna.",
        "area": "varby-gard",
        "themes": ["rekrytering", "droger"],
        "source": PP,
        "observed": 25,
        "severity": 5,
        "status": ADDRESSED,
        "visibility": PARTNERS,
        "recorded_by": "polisen-lpo-huddinge",
        "endorsements": [("varby-gards-skola", ""), ("arena-143", "")],
        "responsibilities": [
            ("hubra", "lead", "Samordnar SSPF-arbetet och föräldrainformation.", 90),
            ("polisen-lpo-huddinge", "supporting", "Orosanmälningar och uppföljning.", None),
            ("varby-gards-skola", "supporting", "Lektioner om rekrytering i åk 7–9.", 120),
        ],
    },
    {
        "key": "cykelstolder-tunnelbanan",
        "title": "Cykelstölder vid tunnelbanan",
        "description": "Många cyklar stjäls från cykelstället vid stationen.",
        "area": "varby-gard-centrum",
        "themes": ["inbrott"],
        "source": RR,
        "observed": 15,
        "severity": 2,
        "status": OPEN,
        "visibility": PUBLIC,
        "recorded_by": "sl-trafikforvaltningen",
    },
    {
        "key": "strandfester",
        "title": "Fester och nedskräpning vid strandpromenaden sommarnätter",
        "description": "Stora fester vid badplatsen med hög musik, glas och engångsgrillar. "
        "Boende vid udden störs och känner sig otrygga på väg hem.",
        "area": "varby-udde",
        "point": (59.2745, 17.8781),
        "themes": ["stadning", "fysisk-miljo"],
        "source": RR,
        "observed": 280,
        "weekdays": [FRI, SAT],
        "times": ("22:00", "03:00"),
        "severity": 3,
        "status": OPEN,
        "visibility": PUBLIC,
        "recorded_by": "brf-varby-strand",
        "endorsements": [("hyresgastforeningen-varby-gard", "")],
    },
    {
        "key": "butiksstolder-hot",
        "title": "Butiksstölder och hot mot personal i centrum",
        "description": "Butikspersonal utsätts för hot när de ingriper mot snatteri.",
        "area": "varby-gard-centrum",
        "themes": ["grannsamverkan", "inbrott"],
        "source": PO,
        "observed": 35,
        "times": ("16:00", "21:00"),
        "severity": 4,
        "status": ADDRESSED,
        "visibility": PARTNERS,
        "recorded_by": "ica-nara-varby-gard",
        "endorsements": [("varby-gards-centrumforening", "")],
        "responsibilities": [
            ("varby-gards-centrumforening", "lead", "Trygghetsvärdar i centrum.", None),
            ("polisen-lpo-huddinge", "supporting", "Utbildning i bemötande och anmälan.", 60),
        ],
    },
    {
        "key": "vald-i-nara-relationer-stod",
        "title": "Få känner till stödet vid våld i nära relationer",
        "description": "Trygghetsmätningen visar att få boende vet vart man vänder sig.",
        "area": "varby-gard",
        "themes": ["vald-i-nara-relationer"],
        "source": SS,
        "observed": 200,
        "severity": 4,
        "status": OPEN,
        "visibility": PUBLIC,
        "recorded_by": "hubra",
    },
    {
        "key": "morka-partier-udde",
        "title": "Mörka partier längs gångvägen till Vårby udde",
        "description": "Trygghetsvandringen hittade tre långa sträckor utan belysning.",
        "area": "varby-udde",
        "point": (59.2720, 17.8815),
        "themes": ["belysning", "fysisk-miljo"],
        "source": SW,
        "observed": 420,
        "times": ("16:00", "07:00"),
        "severity": 3,
        "status": OPEN,
        "visibility": PUBLIC,
        "recorded_by": "hubra",
        "responsibilities": [
            ("huddinge-kommun", "lead", "Ny belysning längs strandpromenaden.", 200),
        ],
    },
    {
        "key": "overgivna-bilar",
        "title": "Övergivna bilar och skrot på parkeringen",
        "description": "Tre avställda bilar har stått i månader, en har bränts.",
        "area": "varby-gard-sodra",
        "themes": ["fysisk-miljo", "stadning"],
        "source": RR,
        "observed": 45,
        "severity": 2,
        "status": OPEN,
        "visibility": PARTNERS,
        "recorded_by": "malarbo-fastigheter",
    },
    {
        "key": "fyrverkerier-nyar",
        "title": "Fyrverkerier mot människor och bussar kring nyår",
        "description": "Raketer avfyrades mot bussar och personer på torget.",
        "area": "varby-gard-centrum",
        "themes": ["klotter", "nattvandring"],
        "source": PP,
        "observed": 330,
        "weekdays": [],
        "times": ("18:00", "02:00"),
        "severity": 4,
        "status": RESOLVED,
        "outcome": "Samordnad nyårshelg med nattvandrare, polis och räddningstjänst; inga "
        "skador rapporterades. Upprepas inför nästa nyår.",
        "visibility": PARTNERS,
        "recorded_by": "polisen-lpo-huddinge",
    },
    {
        "key": "tomma-lokaler-centrum",
        "title": "Tomma lokaler i centrum lockar till skadegörelse",
        "description": "Fyra tomma butikslokaler med igenklistrade fönster drar till sig klotter.",
        "area": "varby-gard-centrum",
        "themes": ["klotter", "fysisk-miljo"],
        "source": PO,
        "observed": 90,
        "severity": 2,
        "status": ADDRESSED,
        "visibility": PUBLIC,
        "recorded_by": "varby-gards-centrumforening",
        "responsibilities": [
            ("balder", "lead", "Hyr ut lokalerna till föreningar tillfälligt.", 180),
        ],
    },
    {
        "key": "franvaro-hogstadiet",
        "title": "Hög frånvaro bland elever på högstadiet",
        "description": "Många elever i åk 7–9 har hög frånvaro och saknar studiero hemma.",
        "area": "varby-gard-norra",
        "themes": ["skola-studier"],
        "source": PO,
        "observed": 80,
        "weekdays": [MON, TUE, WED, THU, FRI],
        "times": ("08:00", "15:00"),
        "severity": 3,
        "status": ADDRESSED,
        "visibility": PARTNERS,
        "recorded_by": "varby-gards-skola",
        "responsibilities": [
            ("varby-gards-skola", "lead", "Studiestöd efter skoltid och närvaroteam.", None),
        ],
    },
    {
        "key": "foraldrar-saknar-stod",
        "title": "Föräldrar saknar mötesplatser och stöd",
        "description": "Föräldrar efterfrågar ställen att träffas och prata om tonåren.",
        "area": "varby-gard",
        "themes": ["foraldrastod"],
        "source": SS,
        "observed": 200,
        "severity": 3,
        "status": ADDRESSED,
        "visibility": PUBLIC,
        "recorded_by": "foraldraforeningen-varby-gard",
        "endorsements": [("varby-islamiska-forening", ""), ("svenska-kyrkan-huddinge", "")],
    },
    {
        "key": "trasiga-portlas",
        "title": "Trasiga lås och portar som inte går i lås",
        "description": "Portar står öppna och obehöriga tar sig in i trapphus och källare.",
        "area": "varby-alle",
        "themes": ["inbrott", "fysisk-miljo"],
        "source": RR,
        "observed": 55,
        "severity": 3,
        "status": ADDRESSED,
        "visibility": PUBLIC,
        "recorded_by": "hyresgastforeningen-varby-gard",
        "responsibilities": [
            ("huge-bostader", "lead", "Byter lås och porttelefoner i alla uppgångar.", 150),
        ],
    },
    {
        "key": "anlagda-brander-soprum",
        "title": "Anlagda bränder i soprum och containrar",
        "description": "Flera små bränder i soprum under våren.",
        "area": "varby-alle",
        "themes": ["klotter"],
        "source": PO,
        "observed": 100,
        "weekdays": [FRI, SAT],
        "times": ("22:00", "04:00"),
        "severity": 4,
        "status": ADDRESSED,
        "visibility": PARTNERS,
        "recorded_by": "sodertorns-brandforsvarsforbund",
        "endorsements": [("huge-bostader", ""), ("balder", "")],
    },
]

# A safety walk imported from its CSV file: each finding became a problem (see PROBLEMS' shape;
# source and date come from the walk, "observed" is the walk's days before today).
WALKS = [
    {
        "key": "trygghetsvandring-centrum-hosten",
        "title": "Trygghetsvandring Vårby gård centrum, hösten",
        "source": SW,
        "held": 21,
        "area": "varby-gard-centrum",
        "visibility": PUBLIC,
        "organization": "hubra",
        "findings": [
            {
                "key": "walk-morkt-vid-pendelparkeringen",
                "title": "Mörkt vid infarten till parkeringshuset",
                "description": "Två av fyra lampor vid infarten lyser inte. Deltagarna undvek "
                "att gå där.",
                "themes": ["belysning", "fysisk-miljo"],
                "severity": 3,
                "status": ADDRESSED,
                "times": ("17:00", "07:00"),
                "endorsements": [("balder", "Vi ser samma sak från våra fastigheter.")],
                "responsibilities": [
                    ("balder", "lead", "Byter armaturerna och lägger till en lampa.", 30)
                ],
            },
            {
                "key": "walk-skymd-sikt-lekplatsen",
                "title": "Skymd sikt mot lekplatsen från gångvägen",
                "description": "Höga buskar gör att man inte ser in på lekplatsen förrän man "
                "står vid den.",
                "themes": ["fysisk-miljo"],
                "severity": 2,
                "status": RESOLVED,
                "outcome": "Buskarna är nedklippta till knähöjd; sikten är fri.",
            },
            {
                "key": "walk-klotter-gangbron",
                "title": "Klotter på gångbron mot tunnelbanan",
                "description": "Nytt klotter på båda sidor av gångbron; en del med hot mot "
                "namngivna grupper.",
                "themes": ["klotter"],
                "severity": 3,
                "status": OPEN,
                "visibility": PARTNERS,
            },
        ],
    },
]

# --- Initiatives -------------------------------------------------------------------------------
PLANNED, ACTIVE, PAUSED, COMPLETED, CANCELLED = (
    Initiative.Status.PLANNED,
    Initiative.Status.ACTIVE,
    Initiative.Status.PAUSED,
    Initiative.Status.COMPLETED,
    Initiative.Status.CANCELLED,
)

# starts / ends: days relative to today (ends None = ongoing); slots: (weekday, from, to);
# problems: problem keys; updates: (days relative to today, organisation, text, new status).
INITIATIVES = [
    {
        "title": "Nattvandring i Vårby gård centrum",
        "summary": "Vuxna nattvandrar kring torget och tunnelbanan fredag och lördag kväll.",
        "description": "Vi går i grupper om tre till fem i gula västar, pratar med unga, "
        "hjälper till och larmar vid behov. Alla vuxna är välkomna att gå med – anmäl dig "
        "till föreningen. Vi samlas vid torget.",
        "lead": "nattvandring-i-varby",
        "partners": ["hubra"],
        "themes": ["nattvandring"],
        "groups": ["unga-13-17", "unga-vuxna-18-25"],
        "areas": ["varby-gard-centrum"],
        "point": (59.2648, 17.8840),
        "address": "Samling vid Vårby gårds torg",
        "starts": -900,
        "status": ACTIVE,
        "slots": [(FRI, "21:00", "23:59"), (SAT, "21:00", "23:59")],
        "problems": ["narkotika-tunnelbaneuppgangen", "nedskrapning-torget"],
        "updates": [
            (-60, "nattvandring-i-varby", "Tolv nya vandrare utbildade i höst.", ""),
            (-7, "nattvandring-i-varby", "Lugn helg, många unga vid torget fram till 23.", ""),
        ],
    },
    {
        "title": "Fredagsvandringar med Svenska kyrkan",
        "summary": "Församlingens volontärer går i centrum på fredagskvällar och bjuder på fika.",
        "description": "Diakon och volontärer går från församlingslokalen genom centrum och "
        "finns vid tunnelbanan. Samarbetar inte ännu med övriga nattvandrare.",
        "lead": "svenska-kyrkan-huddinge",
        "themes": ["nattvandring"],
        "groups": ["unga-13-17"],
        "areas": ["varby-gard-centrum"],
        "point": (59.2651, 17.8835),
        "address": "Vårby gård centrum",
        "starts": -200,
        "status": ACTIVE,
        "slots": [(FRI, "20:00", "23:00")],
    },
    {
        "title": "Vuxna på stan – föräldravandringar",
        "summary": "Föräldrar syns ute på lördagskvällar mellan centrum och Vårby allé.",
        "lead": "foraldraforeningen-varby-gard",
        "themes": ["nattvandring", "foraldrastod"],
        "groups": ["foraldrar", "unga-13-17"],
        "areas": ["varby-gard-centrum", "varby-alle"],
        "starts": -150,
        "status": ACTIVE,
        "slots": [(SAT, "21:00", "23:30")],
    },
    {
        "title": "Skräpplockarsöndagar på Vårby allé",
        "summary": "Boende plockar skräp tillsammans en söndag i månaden, hyresgästföreningen "
        "bjuder på korv.",
        "lead": "hyresgastforeningen-varby-gard",
        "themes": ["stadning"],
        "groups": ["boende", "barn"],
        "areas": ["varby-alle"],
        "point": (59.2664, 17.8772),
        "address": "Vårby allé, gården vid lekplatsen",
        "starts": -120,
        "status": ACTIVE,
        "slots": [(SUN, "10:00", "13:00")],
    },
    {
        "title": "Städrundor i bostadsområdet Vårby allé",
        "summary": "Balders fastighetsskötare städar gårdar och gångvägar tre morgnar i veckan.",
        "lead": "balder",
        "themes": ["stadning", "klotter"],
        "groups": ["boende"],
        "areas": ["varby-alle"],
        "point": (59.2668, 17.8783),
        "starts": -365,
        "status": ACTIVE,
        "slots": [(MON, "07:00", "10:00"), (WED, "07:00", "10:00"), (FRI, "07:00", "10:00")],
        # Waiting for Balder's admin (admin.balder@example.se) on the page and in Mina sidor.
        "join_requests": [
            (
                "hyresgastforeningen-varby-gard",
                "Vi ordnar städdagar med hyresgästerna varannan lördag – kan vi samordna dem "
                "med era städrundor?",
            )
        ],
    },
    {
        "title": "Klottersanering inom 24 timmar",
        "summary": "Klotter på Balders fastigheter tas bort inom ett dygn efter anmälan.",
        "lead": "balder",
        "themes": ["klotter"],
        "groups": ["boende", "naringsidkare"],
        "areas": ["varby-gard-centrum", "varby-alle"],
        "starts": -700,
        "status": ACTIVE,
        "problems": ["tomma-lokaler-centrum"],
    },
    {
        "title": "Ny belysning i gångtunneln under Vårby allé",
        "summary": "Kommunen byter armaturer och gör tunneln ljusare, fastighetsägarna beskär "
        "vid mynningarna.",
        "description": "Arbetet görs i två etapper. Under etapp 1 är tunneln öppen men delvis "
        "avspärrad dagtid.",
        "lead": "huddinge-kommun",
        "partners": ["huge-bostader", "balder"],
        "themes": ["belysning", "fysisk-miljo"],
        "groups": ["boende", "aldre"],
        "areas": ["varby-alle"],
        "point": (59.2655, 17.8801),
        "address": "Gångtunneln under Vårby allé",
        "starts": -60,
        "ends": 120,
        "status": ACTIVE,
        "problems": ["mork-gangtunnel-varby-alle"],
        "updates": [
            (-45, "huddinge-kommun", "Upphandlingen klar, arbetet startar om två veckor.", ""),
            (-10, "huddinge-kommun", "Etapp 1 klar: nya armaturer i norra halvan.", ""),
        ],
    },
    {
        "title": "Ny belysning längs strandpromenaden",
        "summary": "Belysning längs gångvägen mellan centrum och Vårby udde.",
        "lead": "huddinge-kommun",
        "themes": ["belysning"],
        "groups": ["boende", "aldre"],
        "areas": ["varby-udde"],
        "point": (59.2720, 17.8815),
        "starts": 30,
        "ends": 200,
        "status": PLANNED,
        "problems": ["morka-partier-udde"],
    },
    {
        "title": "Trygghetsvandring i Vårby gård hösten",
        "summary": "Partnerna och boende gick genom området och noterade otrygga platser.",
        "lead": "hubra",
        "partners": [
            "polisen-lpo-huddinge",
            "balder",
            "huge-bostader",
            "hyresgastforeningen-varby-gard",
        ],
        "themes": ["trygghetsvandringar", "fysisk-miljo"],
        "groups": ["boende"],
        "areas": ["varby-gard"],
        "starts": -420,
        "ends": -420,
        "status": COMPLETED,
        "slots": [],
        "updates": [
            (-420, "hubra", "45 deltagare, 28 platser noterade, protokoll skickat.", COMPLETED),
        ],
    },
    {
        "title": "Trygghetsvandring i Vårby gård våren",
        "summary": "Ny vandring: följer upp höstens platser och går även till Vårby udde.",
        "lead": "hubra",
        "partners": ["polisen-lpo-huddinge", "balder", "huge-bostader", "brf-varby-strand"],
        "themes": ["trygghetsvandringar"],
        "groups": ["boende", "aldre"],
        "areas": ["varby-gard"],
        "starts": 25,
        "ends": 25,
        "status": PLANNED,
    },
    {
        "title": "Arena 143 – kvällsöppen idrottshall",
        "summary": "Idrottshallen är öppen för unga fredag och lördag kväll med ledare och "
        "mentorer.",
        "description": "Futsal, basket och musik. Ledarna är unga vuxna från området. Arena 143 "
        "samarbetar med fältassistenterna.",
        "lead": "arena-143",
        "partners": ["varby-gard-if", "huddinge-kommun"],
        "themes": ["fritid-unga", "rekrytering"],
        "groups": ["unga-13-17", "unga-vuxna-18-25"],
        "areas": ["varby-gard-norra"],
        "point": (59.2698, 17.8858),
        "address": "Idrottshallen vid Vårby gårds skola",
        "starts": -500,
        "status": ACTIVE,
        "slots": [(FRI, "18:00", "23:00"), (SAT, "18:00", "23:00")],
        "problems": ["unga-i-trapphus", "rekrytering-sociala-medier"],
        "updates": [(-30, "arena-143", "I snitt 60 besökare per kväll i oktober.", "")],
    },
    {
        "title": "Fotbollsträning för tjejer",
        "summary": "Gratis fotbollsträning för tjejer 8–14 år.",
        "lead": "varby-gard-if",
        "themes": ["fritid-unga"],
        "groups": ["barn", "unga-13-17"],
        "areas": ["varby-gard-norra"],
        "point": (59.2702, 17.8876),
        "address": "Bollplanen i Vårby gård norra",
        "starts": -400,
        "status": ACTIVE,
        "slots": [(TUE, "17:00", "18:30"), (THU, "17:00", "18:30")],
    },
    {
        "title": "Öppen idrottshall på söndagar",
        "summary": "Spontanidrott för barn och unga på söndagseftermiddagar.",
        "lead": "varby-gard-if",
        "themes": ["fritid-unga"],
        "groups": ["barn", "unga-13-17"],
        "areas": ["varby-gard-norra"],
        "starts": -90,
        "status": ACTIVE,
        "slots": [(SUN, "14:00", "17:00")],
    },
    {
        "title": "Sommarlovsaktiviteter på Vårby udde",
        "summary": "Bad, kanot och grillkvällar för barn och unga under sommarlovet.",
        "lead": "huddinge-kommun",
        "partners": ["arena-143", "varby-gard-if"],
        "themes": ["fritid-unga"],
        "groups": ["barn", "unga-13-17"],
        "areas": ["varby-udde"],
        "point": (59.2745, 17.8781),
        "starts": -330,
        "ends": -270,
        "status": COMPLETED,
        "slots": [(TUE, "12:00", "16:00"), (THU, "12:00", "16:00")],
    },
    {
        "title": "Läxhjälp i församlingslokalen",
        "summary": "Volontärer hjälper barn och unga med läxorna två eftermiddagar i veckan.",
        "lead": "svenska-kyrkan-huddinge",
        "themes": ["skola-studier"],
        "groups": ["barn", "unga-13-17"],
        "areas": ["varby-gard"],
        "point": (59.2652, 17.8848),
        "address": "Församlingslokalen i Vårby gård centrum",
        "starts": -600,
        "status": ACTIVE,
        "slots": [(TUE, "15:30", "18:00"), (THU, "15:30", "18:00")],
        "problems": ["franvaro-hogstadiet"],
    },
    {
        "title": "Studiestöd efter skoltid",
        "summary": "Lärare finns kvar efter skoldagen för elever som vill ha hjälp.",
        "lead": "varby-gards-skola",
        "themes": ["skola-studier", "fritid-unga"],
        "groups": ["barn", "unga-13-17"],
        "areas": ["varby-gard-norra"],
        "point": (59.2696, 17.8866),
        "starts": -250,
        "status": ACTIVE,
        "slots": [
            (MON, "15:00", "17:00"),
            (TUE, "15:00", "17:00"),
            (WED, "15:00", "17:00"),
            (THU, "15:00", "17:00"),
        ],
        "problems": ["franvaro-hogstadiet"],
    },
    {
        "title": "Föräldracafé i Vårby gård",
        "summary": "Föräldrar träffas, fikar och pratar om att ha tonåringar, ibland med gäster.",
        "lead": "foraldraforeningen-varby-gard",
        "partners": ["huddinge-kommun"],
        "themes": ["foraldrastod"],
        "groups": ["foraldrar"],
        "areas": ["varby-gard-centrum"],
        "starts": -300,
        "status": ACTIVE,
        "slots": [(WED, "17:30", "19:30")],
        "problems": ["foraldrar-saknar-stod"],
    },
    {
        "title": "Föräldraprogrammet ABC i Vårby gård",
        "summary": "Kommunens kostnadsfria föräldraprogram i fyra träffar.",
        "lead": "huddinge-kommun",
        "themes": ["foraldrastod"],
        "groups": ["foraldrar"],
        "areas": ["varby-gard"],
        "starts": -200,
        "ends": 40,
        "status": ACTIVE,
        "slots": [(MON, "18:00", "20:00")],
        "problems": ["foraldrar-saknar-stod"],
    },
    {
        "title": "Föräldraträffar på arabiska och somaliska",
        "summary": "Samtal om skola, tonåren och trygghet på föräldrarnas eget språk.",
        "lead": "varby-islamiska-forening",
        "themes": ["foraldrastod", "rekrytering"],
        "groups": ["foraldrar"],
        "areas": ["varby-gard-centrum"],
        "starts": -180,
        "status": ACTIVE,
        "slots": [(SUN, "17:00", "19:00")],
        "problems": ["foraldrar-saknar-stod"],
    },
    {
        "title": "Grannsamverkan i Vårby allé",
        "summary": "Grannar håller uppsikt och delar information med polisen.",
        "lead": "polisen-lpo-huddinge",
        "partners": ["huge-bostader", "hyresgastforeningen-varby-gard"],
        "themes": ["grannsamverkan", "inbrott"],
        "groups": ["boende"],
        "areas": ["varby-alle"],
        "starts": -800,
        "status": ACTIVE,
        "problems": ["inbrott-kallarforrad"],
    },
    {
        "title": "Grannsamverkan i Brf Vårby Strand",
        "summary": "Föreningens medlemmar är med i grannsamverkan sedan i våras.",
        "lead": "brf-varby-strand",
        "themes": ["grannsamverkan", "inbrott"],
        "groups": ["boende"],
        "areas": ["varby-udde"],
        "starts": -240,
        "status": ACTIVE,
    },
    {
        "title": "Säkrare källarförråd",
        "summary": "Nya förrådsdörrar och passagesystem i källarna längs Vårby allé.",
        "lead": "balder",
        "themes": ["inbrott"],
        "groups": ["boende"],
        "areas": ["varby-alle"],
        "starts": -90,
        "ends": 60,
        "status": ACTIVE,
        "visibility": PARTNERS,
        "problems": ["inbrott-kallarforrad"],
    },
    {
        "title": "Nya lås och porttelefoner",
        "summary": "Huge byter lås och porttelefoner i alla uppgångar längs Vårby allé.",
        "lead": "huge-bostader",
        "themes": ["inbrott", "fysisk-miljo"],
        "groups": ["boende"],
        "areas": ["varby-alle"],
        "starts": -30,
        "ends": 150,
        "status": ACTIVE,
        "problems": ["trasiga-portlas"],
    },
    {
        "title": "Riktade insatser mot narkotikahandel vid tunnelbanan",
        "summary": "Polisen har ökad närvaro och kontroller vid stationen helgkvällar.",
        "lead": "polisen-lpo-huddinge",
        "partners": ["sl-trafikforvaltningen"],
        "themes": ["droger", "rekrytering"],
        "groups": ["unga-13-17", "unga-vuxna-18-25"],
        "areas": ["varby-gard-centrum"],
        "point": (59.2645, 17.8846),
        "starts": -45,
        "ends": 90,
        "status": ACTIVE,
        "visibility": PARTNERS,
        "slots": [(THU, "19:00", "23:59"), (FRI, "19:00", "23:59"), (SAT, "19:00", "23:59")],
        "problems": ["narkotika-tunnelbaneuppgangen"],
        "updates": [
            (
                -14,
                "polisen-lpo-huddinge",
                "Fyra ingripanden, två unga har fått stöd via socialtjänsten.",
                "",
            )
        ],
    },
    {
        "title": "Samverkan mot rekrytering (SSPF)",
        "summary": "Skola, socialtjänst, polis och fritid följer upp unga i riskzonen.",
        "lead": "hubra",
        "partners": ["polisen-lpo-huddinge", "varby-gards-skola", "huddinge-kommun"],
        "themes": ["rekrytering", "droger"],
        "groups": ["unga-13-17", "foraldrar"],
        "areas": ["varby-gard"],
        "starts": -365,
        "status": ACTIVE,
        "visibility": PARTNERS,
        "problems": ["rekrytering-sociala-medier"],
    },
    {
        "title": "Kameraövervakning vid stationens entré",
        "summary": "SL planerar kameror vid entrén mot torget.",
        "lead": "sl-trafikforvaltningen",
        "themes": ["kameraovervakning"],
        "groups": ["boende"],
        "areas": ["varby-gard-centrum"],
        "starts": 60,
        "status": PLANNED,
        "visibility": PARTNERS,
        "problems": ["narkotika-tunnelbaneuppgangen"],
    },
    {
        "title": "Trafiksäker skolväg",
        "summary": "Farthinder, nya övergångsställen och skyltning kring skolan.",
        "lead": "huddinge-kommun",
        "partners": ["foraldraforeningen-varby-gard", "varby-gards-skola"],
        "themes": ["trafiksakerhet"],
        "groups": ["barn", "foraldrar"],
        "areas": ["varby-gard-norra"],
        "point": (59.2694, 17.8871),
        "starts": -20,
        "ends": 160,
        "status": ACTIVE,
        "problems": ["fortkorning-vid-skolan"],
        "updates": [(-5, "huddinge-kommun", "Tillfälliga farthinder på plats.", "")],
    },
    {
        "title": "Gående skolbuss",
        "summary": "Föräldrar turas om att gå med barnen till skolan på morgonen.",
        "lead": "foraldraforeningen-varby-gard",
        "themes": ["trafiksakerhet"],
        "groups": ["barn", "foraldrar"],
        "areas": ["varby-gard-norra"],
        "starts": -15,
        "status": ACTIVE,
        "slots": [(day, "07:40", "08:10") for day in (MON, TUE, WED, THU, FRI)],
        "problems": ["fortkorning-vid-skolan"],
    },
    {
        "title": "Beskärning av buskage vid lekplatser",
        "summary": "Buskage beskars och belysning kompletterades vid tre lekplatser.",
        "lead": "huddinge-kommun",
        "partners": ["malarbo-fastigheter"],
        "themes": ["fysisk-miljo", "belysning"],
        "groups": ["barn", "foraldrar"],
        "areas": ["varby-gard-sodra"],
        "starts": -220,
        "ends": -170,
        "status": COMPLETED,
        "problems": ["buskage-lekplats"],
    },
    {
        "title": "Klottersanering på skolgården",
        "summary": "Skolan och kommunen sanerade klotter inom ett dygn under två månader.",
        "lead": "varby-gards-skola",
        "partners": ["huddinge-kommun"],
        "themes": ["klotter"],
        "groups": ["barn", "unga-13-17"],
        "areas": ["varby-gard-norra"],
        "starts": -110,
        "ends": -50,
        "status": COMPLETED,
        "problems": ["klotter-skolans-fasad"],
    },
    {
        "title": "Trygghetsvärdar i centrum",
        "summary": "Trygghetsvärdar finns i centrum torsdag–lördag eftermiddag och kväll.",
        "lead": "varby-gards-centrumforening",
        "partners": ["balder", "ica-nara-varby-gard"],
        "themes": ["grannsamverkan", "fysisk-miljo"],
        "groups": ["naringsidkare", "boende"],
        "areas": ["varby-gard-centrum"],
        "point": (59.2647, 17.8843),
        "starts": -120,
        "status": ACTIVE,
        "slots": [(THU, "16:00", "22:00"), (FRI, "16:00", "22:00"), (SAT, "16:00", "22:00")],
        "problems": ["butiksstolder-hot", "nedskrapning-torget"],
    },
    {
        "title": "Butikssamverkan mot stölder och hot",
        "summary": "Butikerna delar information och utbildas av polisen i bemötande.",
        "lead": "ica-nara-varby-gard",
        "partners": ["varby-gards-centrumforening", "polisen-lpo-huddinge"],
        "themes": ["grannsamverkan"],
        "groups": ["naringsidkare"],
        "areas": ["varby-gard-centrum"],
        "starts": -80,
        "status": ACTIVE,
        "visibility": PARTNERS,
        "problems": ["butiksstolder-hot"],
    },
    {
        "title": "Föreningar i tomma lokaler",
        "summary": "Tomma butikslokaler upplåts tillfälligt till föreningar och kultur.",
        "lead": "balder",
        "partners": ["varby-gards-centrumforening"],
        "themes": ["fysisk-miljo", "klotter"],
        "groups": ["boende", "unga-vuxna-18-25"],
        "areas": ["varby-gard-centrum"],
        "starts": -150,
        "ends": 200,
        "status": ACTIVE,
        "problems": ["tomma-lokaler-centrum"],
    },
    {
        "title": "Trygg nyårshelg i Vårby gård",
        "summary": "Nattvandrare, polis och räddningstjänst fanns på plats under nyårshelgen.",
        "lead": "hubra",
        "partners": [
            "polisen-lpo-huddinge",
            "nattvandring-i-varby",
            "sodertorns-brandforsvarsforbund",
        ],
        "themes": ["nattvandring", "klotter"],
        "groups": ["unga-13-17", "boende"],
        "areas": ["varby-gard-centrum"],
        "starts": -332,
        "ends": -330,
        "status": COMPLETED,
        "problems": ["fyrverkerier-nyar"],
    },
    {
        "title": "Förebygga bränder i soprum",
        "summary": "Räddningstjänsten och Huge ser över soprum och informerar boende.",
        "lead": "sodertorns-brandforsvarsforbund",
        "partners": ["huge-bostader"],
        "themes": ["klotter", "fysisk-miljo"],
        "groups": ["boende", "fastighetspersonal"],
        "areas": ["varby-alle"],
        "starts": -70,
        "ends": 30,
        "status": ACTIVE,
        "problems": ["anlagda-brander-soprum"],
    },
    {
        "title": "Ungdomsråd i Vårby gård",
        "summary": "Unga påverkar vad som görs i området; pausat i väntan på ny samordnare.",
        "lead": "huddinge-kommun",
        "themes": ["fritid-unga"],
        "groups": ["unga-13-17"],
        "areas": ["varby-gard"],
        "starts": -400,
        "status": PAUSED,
    },
    {
        "title": "Sommarjobb i bostadsområdet",
        "summary": "Unga 15–17 år arbetade med utemiljön i tre veckor under sommaren.",
        "lead": "huge-bostader",
        "partners": ["balder"],
        "themes": ["fritid-unga", "stadning"],
        "groups": ["unga-13-17"],
        "areas": ["varby-gard"],
        "starts": -320,
        "ends": -300,
        "status": COMPLETED,
    },
    {
        "title": "Informationskampanj om våld i nära relationer",
        "summary": "Affischer och informationsträffar om stöd; inställd i brist på resurser.",
        "lead": "huddinge-kommun",
        "themes": ["vald-i-nara-relationer"],
        "groups": ["boende"],
        "areas": ["varby-gard"],
        "starts": -100,
        "ends": -10,
        "status": CANCELLED,
        "problems": ["vald-i-nara-relationer-stod"],
        "updates": [(-60, "huddinge-kommun", "Kampanjen ställs in i år.", CANCELLED)],
    },
    {
        "title": "Promenadgrupp för äldre",
        "summary": "Gemensam förmiddagspromenad till centrum med fika.",
        "lead": "svenska-kyrkan-huddinge",
        "partners": ["hyresgastforeningen-varby-gard"],
        "themes": ["fysisk-miljo"],
        "groups": ["aldre"],
        "areas": ["varby-gard-centrum"],
        "starts": -500,
        "status": ACTIVE,
        "slots": [(WED, "10:00", "11:30")],
        "problems": ["aldre-undviker-centrum"],
    },
    {
        "title": "Nattvandring på Vårby udde sommarkvällar",
        "summary": "Sommartid går vi även vid badplatsen; pausat under vintern.",
        "lead": "nattvandring-i-varby",
        "themes": ["nattvandring"],
        "groups": ["unga-13-17", "unga-vuxna-18-25"],
        "areas": ["varby-udde"],
        "starts": -400,
        "status": PAUSED,
        "slots": [(FRI, "21:00", "23:59"), (SAT, "21:00", "23:59")],
        "updates": [(-40, "nattvandring-i-varby", "Pausat till maj.", PAUSED)],
    },
    {
        "title": "Fastighetsskötare med trygghetsuppdrag",
        "summary": "Huges fastighetsskötare rapporterar trasig belysning och otrygga platser.",
        "lead": "huge-bostader",
        "themes": ["fysisk-miljo", "stadning", "belysning"],
        "groups": ["fastighetspersonal", "boende"],
        "areas": ["varby-alle", "varby-gard-norra"],
        "starts": -260,
        "status": ACTIVE,
        "slots": [(day, "07:00", "16:00") for day in (MON, TUE, WED, THU, FRI)],
    },
    {
        "title": "Utbildning för fastighetspersonal: Se och agera",
        "summary": "Halvdagsutbildning om tecken på narkotikahandel och hur man rapporterar.",
        "lead": "hubra",
        "partners": ["balder", "huge-bostader", "malarbo-fastigheter", "polisen-lpo-huddinge"],
        "themes": ["droger", "fysisk-miljo"],
        "groups": ["fastighetspersonal"],
        "areas": ["varby-gard"],
        "starts": -60,
        "ends": -60,
        "status": COMPLETED,
        "visibility": PARTNERS,
    },
    {
        "title": "Belysning på gårdar och parkeringar",
        "summary": "Mälarbo byter till LED och rörelsesensorer på gårdar och parkeringar.",
        "lead": "malarbo-fastigheter",
        "themes": ["belysning"],
        "groups": ["boende"],
        "areas": ["varby-gard-sodra"],
        "starts": -30,
        "ends": 60,
        "status": ACTIVE,
    },
    {
        "title": "Ungdomsfältare kvällstid",
        "summary": "Kommunens fältassistenter rör sig i området torsdag–lördag kväll.",
        "lead": "huddinge-kommun",
        "themes": ["fritid-unga", "droger"],
        "groups": ["unga-13-17"],
        "areas": ["varby-gard"],
        "starts": -700,
        "status": ACTIVE,
        "slots": [(THU, "18:00", "23:00"), (FRI, "18:00", "23:00"), (SAT, "18:00", "23:00")],
        "problems": ["unga-i-trapphus"],
    },
    {
        "title": "Trygghetsmätning i Vårby gård",
        "summary": "Enkät till alla hushåll om trygghet och utsatthet.",
        "lead": "hubra",
        "themes": ["trygghetsvandringar", "fysisk-miljo"],
        "groups": ["boende"],
        "areas": ["varby-gard"],
        "starts": -240,
        "ends": -200,
        "status": COMPLETED,
    },
    {
        "title": "Skräpplockning vid Vårby udde",
        "summary": "Föreningen plockar skräp vid badplatsen lördagar under sommaren.",
        "lead": "brf-varby-strand",
        "themes": ["stadning"],
        "groups": ["boende"],
        "areas": ["varby-udde"],
        "starts": 14,
        "ends": 120,
        "status": PLANNED,
        "slots": [(SAT, "10:00", "12:00")],
    },
    # Led by organisations that are not approved: never on public pages.
    {
        "title": "Kvinnocafé – en trygg mötesplats",
        "summary": "Öppet café för kvinnor med information om stöd och rättigheter.",
        "lead": "varby-kvinnoforening",
        "themes": ["vald-i-nara-relationer"],
        "groups": ["boende"],
        "areas": ["varby-gard-centrum"],
        "starts": -20,
        "status": ACTIVE,
        "slots": [(TUE, "13:00", "16:00")],
        "problems": ["vald-i-nara-relationer-stod"],
    },
    {
        "title": "Ordningsvakter i centrum",
        "summary": "Ordningsvakter patrullerar centrum på kvällstid.",
        "lead": "nordvakt-sakerhet",
        "themes": ["kameraovervakning", "fysisk-miljo"],
        "groups": ["naringsidkare"],
        "areas": ["varby-gard-centrum"],
        "starts": -200,
        "status": ACTIVE,
        "slots": [(FRI, "18:00", "23:59")],
    },
]


@dataclass
class DemoResult:
    """What a load created (model label -> rows) and the demo accounts for the table."""

    created: Counter = field(default_factory=Counter)
    accounts: list[tuple[str, str]] = field(default_factory=list)


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def _problem_public_id(key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"problem:{key}")


def _initiative_public_id(slug: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"initiative:{slug}")


def initiative_slug(title: str) -> str:
    return slugify(title)[:220]


def vocabulary_load(result: DemoResult | None = None) -> DemoResult:
    """Create the demo areas, themes and target groups that are missing; never update."""
    result = result or DemoResult()
    areas = {a.slug: a for a in Area.objects.filter(slug__in=[a["slug"] for a in AREAS])}
    for spec in AREAS:
        if spec["slug"] in areas:
            continue
        latitude, longitude = spec["point"]
        areas[spec["slug"]] = Area.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            parent=areas[spec["parent"]] if spec["parent"] else None,
            description=spec["description"],
            latitude=latitude,
            longitude=longitude,
            boundary=spec["boundary"],
        )
        result.created["area"] += 1

    for model, rows in ((Theme, THEMES), (TargetGroup, TARGET_GROUPS)):
        existing = set(
            model.objects.filter(slug__in=[r[0] for r in rows]).values_list("slug", flat=True)
        )
        missing = [
            model(
                slug=row[0],
                name_sv=row[1],
                name_en=row[2],
                description_sv=row[3] if len(row) > 3 else "",
                position=position,
            )
            for position, row in enumerate(rows, start=1)
            if row[0] not in existing
        ]
        model.objects.bulk_create(missing)
        result.created[model._meta.model_name] += len(missing)
    return result


def _by_slug(model, slugs) -> dict:
    return {obj.slug: obj for obj in model.objects.filter(slug__in=list(slugs))}


def _role_label(spec: dict) -> str:
    if spec.get("is_superuser"):
        return "superuser"
    roles = ["coordinator"] if spec.get("is_coordinator") else []
    names = {o["slug"]: o["name"] for o in ORGANIZATIONS}
    roles += [f"{role} – {names[slug]}" for slug, role in spec.get("memberships", [])]
    return "; ".join(roles) or "account without organisation"


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> DemoResult:
    """Load the Vårby gård demo data set; whatever already exists is left untouched.

    History events are written for created rows only, tagged with the ``load_demo``
    context so the history view can tell seeded rows from real edits.
    """
    today = today or dt.date.today()
    result = DemoResult()
    with pghistory.context(source="load_demo"):
        vocabulary_load(result)
        areas = _by_slug(Area, [a["slug"] for a in AREAS])
        themes = _by_slug(Theme, [t[0] for t in THEMES])
        groups = _by_slug(TargetGroup, [g[0] for g in TARGET_GROUPS])
        organizations = _organizations_load(result, areas, themes)
        users = _users_load(result, organizations)
        authors = _first_admins(users)
        problems = _problems_load(result, today, areas, themes, organizations, authors)
        problems.update(_walks_load(result, today, areas, themes, organizations, authors))
        _initiatives_load(result, today, areas, themes, groups, organizations, problems, authors)
    result.created = +result.created  # drop the zero counts
    result.accounts = [(spec["email"], _role_label(spec)) for spec in USERS]
    return result


def _organizations_load(result: DemoResult, areas: dict, themes: dict) -> dict:
    organizations = _by_slug(Organization, [o["slug"] for o in ORGANIZATIONS])
    now = timezone.now()
    for spec in ORGANIZATIONS:
        if spec["slug"] in organizations:
            continue
        status = spec.get("status", APPROVED)
        organization = Organization.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            kind=spec["kind"],
            status=status,
            description=spec["description"],
            website=spec.get("website", ""),
            public_email=spec.get("public_email", ""),
            public_phone=spec.get("public_phone", ""),
            approved_at=now if status != PENDING else None,
        )
        organization.areas.set([areas[slug] for slug in spec["areas"]])
        organization.themes.set([themes[slug] for slug in spec["themes"]])
        organizations[spec["slug"]] = organization
        result.created["organization"] += 1
    return organizations


def _users_load(result: DemoResult, organizations: dict) -> dict:
    emails = [spec["email"] for spec in USERS]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    password_hash = None
    for spec in USERS:
        user = users.get(spec["email"])
        if user is None:
            # One hash for every demo account: hashing is deliberately slow.
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                email=spec["email"],
                password=password_hash,
                first_name=spec["first_name"],
                last_name=spec["last_name"],
                title=spec.get("title", ""),
                share_contact_details=bool(spec.get("memberships")),
                is_staff=spec.get("is_staff", False),
                is_superuser=spec.get("is_superuser", False),
                is_coordinator=spec.get("is_coordinator", False),
            )
            users[user.email] = user
            result.created["user"] += 1
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
            result.created["emailaddress"] += 1
        for slug, role in spec.get("memberships", []):
            _, created = Membership.objects.get_or_create(
                user=user, organization=organizations[slug], defaults={"role": role}
            )
            result.created["membership"] += created
    return users


def _first_admins(users: dict) -> dict:
    """Organisation slug -> the demo user who acts for it (its first admin, else member)."""
    authors: dict = {}
    for role in (ADMIN, MEMBER):
        for spec in USERS:
            for slug, member_role in spec.get("memberships", []):
                if member_role == role:
                    authors.setdefault(slug, users[spec["email"]])
    return authors


def _walks_load(
    result: DemoResult,
    today: dt.date,
    areas: dict,
    themes: dict,
    organizations: dict,
    authors: dict,
) -> dict:
    """The demo safety walks, each with its findings as problems (as an import leaves them)."""
    problems: dict = {}
    for spec in WALKS:
        public_id = uuid.uuid5(DEMO_NAMESPACE, f"walk:{spec['key']}")
        walk = SafetyWalk.objects.filter(public_id=public_id).first()
        if walk is None:
            walk = SafetyWalk.objects.create(
                public_id=public_id,
                title=spec["title"],
                source=spec["source"],
                held_on=today - dt.timedelta(days=spec["held"]),
                area=areas[spec["area"]],
                visibility=spec["visibility"],
                organization=organizations[spec["organization"]],
                imported_by=authors.get(spec["organization"]),
                file_name=f"{spec['key']}.csv",
                confirmed_at=timezone.now(),
            )
            result.created["safetywalk"] += 1
        findings = [
            {
                "area": spec["area"],
                "source": spec["source"],
                "observed": spec["held"],
                "visibility": spec["visibility"],
                "recorded_by": spec["organization"],
                **finding,
            }
            for finding in spec["findings"]
        ]
        problems.update(
            _problems_load(
                result, today, areas, themes, organizations, authors, specs=findings, walk=walk
            )
        )
    return problems


def _problems_load(
    result: DemoResult,
    today: dt.date,
    areas: dict,
    themes: dict,
    organizations: dict,
    authors: dict,
    *,
    specs: list | None = None,
    walk: SafetyWalk | None = None,
) -> dict:
    specs = PROBLEMS if specs is None else specs
    ids = {_problem_public_id(spec["key"]): spec["key"] for spec in specs}
    problems = {ids[p.public_id]: p for p in Problem.objects.filter(public_id__in=list(ids))}
    for spec in specs:
        if spec["key"] in problems:
            continue
        latitude, longitude = spec.get("point") or (None, None)
        time_from, time_to = spec.get("times") or (None, None)
        problem = Problem.objects.create(
            public_id=_problem_public_id(spec["key"]),
            title=spec["title"],
            description=spec["description"],
            area=areas[spec["area"]],
            latitude=latitude,
            longitude=longitude,
            source=spec["source"],
            observed_on=today - dt.timedelta(days=spec["observed"]),
            weekdays=spec.get("weekdays", []),
            time_from=_time(time_from) if time_from else None,
            time_to=_time(time_to) if time_to else None,
            severity=spec["severity"],
            status=spec["status"],
            outcome=spec.get("outcome", ""),
            visibility=spec["visibility"],
            recorded_by_organization=organizations[spec["recorded_by"]],
            recorded_by=authors.get(spec["recorded_by"]),
            walk=walk,
        )
        problem.themes.set([themes[slug] for slug in spec["themes"]])
        for slug, note in spec.get("endorsements", []):
            ProblemEndorsement.objects.create(
                problem=problem,
                organization=organizations[slug],
                endorsed_by=authors.get(slug),
                note=note,
            )
            result.created["problemendorsement"] += 1
        for slug, role, commitment, due_in in spec.get("responsibilities", []):
            ProblemResponsibility.objects.create(
                problem=problem,
                organization=organizations[slug],
                role=role,
                commitment=commitment,
                due_on=today + dt.timedelta(days=due_in) if due_in is not None else None,
                committed_by=authors.get(slug),
            )
            result.created["problemresponsibility"] += 1
        problems[spec["key"]] = problem
        result.created["problem"] += 1
    return problems


def _initiatives_load(
    result: DemoResult,
    today: dt.date,
    areas: dict,
    themes: dict,
    groups: dict,
    organizations: dict,
    problems: dict,
    authors: dict,
) -> None:
    existing = set(
        Initiative.objects.filter(
            slug__in=[initiative_slug(spec["title"]) for spec in INITIATIVES]
        ).values_list("slug", flat=True)
    )
    for spec in INITIATIVES:
        slug = initiative_slug(spec["title"])
        if slug in existing:
            continue
        latitude, longitude = spec.get("point") or (None, None)
        lead = organizations[spec["lead"]]
        initiative = Initiative.objects.create(
            public_id=_initiative_public_id(slug),
            slug=slug,
            title=spec["title"],
            summary=spec["summary"],
            description=spec.get("description", ""),
            lead_organization=lead,
            latitude=latitude,
            longitude=longitude,
            address=spec.get("address", ""),
            starts_on=today + dt.timedelta(days=spec["starts"]),
            ends_on=(
                today + dt.timedelta(days=spec["ends"]) if spec.get("ends") is not None else None
            ),
            status=spec["status"],
            visibility=spec.get("visibility", PUBLIC),
            contact_email=f"{spec['lead']}@example.org",
            created_by=authors.get(spec["lead"]),
        )
        initiative.partner_organizations.set([organizations[s] for s in spec.get("partners", [])])
        initiative.themes.set([themes[s] for s in spec["themes"]])
        initiative.target_groups.set([groups[s] for s in spec.get("groups", [])])
        initiative.areas.set([areas[s] for s in spec["areas"]])
        initiative.problems.set([problems[k] for k in spec.get("problems", [])])
        slots = [
            ScheduleSlot(
                initiative=initiative, weekday=day, starts_at=_time(start), ends_at=_time(end)
            )
            for day, start, end in spec.get("slots", [])
        ]
        ScheduleSlot.objects.bulk_create(slots)
        result.created["scheduleslot"] += len(slots)
        for days, org_slug, text, new_status in spec.get("updates", []):
            InitiativeUpdate.objects.create(
                initiative=initiative,
                organization=organizations[org_slug],
                author=authors.get(org_slug),
                happened_on=today + dt.timedelta(days=days),
                text=text,
                new_status=new_status,
                visibility=initiative.visibility,
            )
            result.created["initiativeupdate"] += 1
        for org_slug, message in spec.get("join_requests", []):
            JoinRequest.objects.create(
                initiative=initiative,
                organization=organizations[org_slug],
                requested_by=authors.get(org_slug),
                message=message,
            )
            result.created["joinrequest"] += 1
        result.created["initiative"] += 1
