"""Stable codes of DESIGN §3 (what is stored) with translated labels (what is shown)."""
from __future__ import annotations

from enum import StrEnum

from portal.i18n import _l


class Category(StrEnum):
    delay = "delay"
    harassment = "harassment"
    unclear_procedure = "unclear_procedure"
    policy = "policy"
    other = "other"


class Channel(StrEnum):
    web = "web"
    hotline = "hotline"
    counter = "counter"
    zalo = "zalo"
    email = "email"
    mail = "mail"
    api = "api"


class Status(StrEnum):
    new = "new"
    assigned = "assigned"
    acknowledged = "acknowledged"
    needs_info = "needs_info"
    answered = "answered"
    reopened = "reopened"
    transferred = "transferred"
    closed = "closed"
    rejected = "rejected"


class Sector(StrEnum):
    planning_investment = "planning_investment"
    finance = "finance"
    tax = "tax"
    customs = "customs"
    natural_resources = "natural_resources"
    construction = "construction"
    industry_trade = "industry_trade"
    labour = "labour"
    home_affairs = "home_affairs"
    social_insurance = "social_insurance"
    police = "police"
    justice = "justice"
    agriculture = "agriculture"
    information_communications = "information_communications"
    science_technology = "science_technology"
    education = "education"
    health = "health"
    culture_tourism = "culture_tourism"
    local_government = "local_government"
    economic_zone = "economic_zone"
    bank = "bank"
    inspectorate = "inspectorate"
    ppc_office = "ppc_office"
    service_center = "service_center"
    association = "association"
    other = "other"


class AgencyGroup(StrEnum):
    department = "department"
    central = "central"
    local = "local"
    none = "none"


class Role(StrEnum):
    admin = "admin"
    coordinator = "coordinator"
    clerk = "clerk"
    officer = "officer"
    head = "head"
    inspector = "inspector"
    analyst = "analyst"


OPEN_STATUSES = frozenset({Status.new, Status.assigned, Status.acknowledged, Status.needs_info,
                           Status.reopened, Status.transferred})

CATEGORY_LABELS = {
    Category.delay: _l("Delay in a procedure"),
    Category.harassment: _l("Harassment or demands for money"),
    Category.unclear_procedure: _l("Unclear or inconsistent requirements"),
    Category.policy: _l("Problem with the rule itself"),
    Category.other: _l("Other"),
}

CHANNEL_LABELS = {
    Channel.web: _l("Web form"),
    Channel.hotline: _l("Hotline"),
    Channel.counter: _l("One-stop counter"),
    Channel.zalo: _l("Zalo page"),
    Channel.email: _l("E-mail"),
    Channel.mail: _l("Post"),
    Channel.api: _l("API"),
}

STATUS_LABELS = {
    Status.new: _l("Received, awaiting routing"),
    Status.assigned: _l("Assigned to agency"),
    Status.acknowledged: _l("Acknowledged"),
    Status.needs_info: _l("Waiting for your information"),
    Status.answered: _l("Answered"),
    Status.reopened: _l("Reopened"),
    Status.transferred: _l("Being re-routed"),
    Status.closed: _l("Closed"),
    Status.rejected: _l("Rejected"),
}

SECTOR_LABELS = {
    Sector.planning_investment: _l("Planning and investment"),
    Sector.finance: _l("Finance"),
    Sector.tax: _l("Tax"),
    Sector.customs: _l("Customs"),
    Sector.natural_resources: _l("Natural resources and environment"),
    Sector.construction: _l("Construction"),
    Sector.industry_trade: _l("Industry and trade"),
    Sector.labour: _l("Labour and social affairs"),
    Sector.home_affairs: _l("Home affairs"),
    Sector.social_insurance: _l("Social insurance"),
    Sector.police: _l("Police"),
    Sector.justice: _l("Justice"),
    Sector.agriculture: _l("Agriculture"),
    Sector.information_communications: _l("Information and communications"),
    Sector.science_technology: _l("Science and technology"),
    Sector.education: _l("Education"),
    Sector.health: _l("Health"),
    Sector.culture_tourism: _l("Culture, sports and tourism"),
    Sector.local_government: _l("People's committees"),
    Sector.economic_zone: _l("Economic zone and industrial parks"),
    Sector.bank: _l("State Bank"),
    Sector.inspectorate: _l("Inspectorate"),
    Sector.ppc_office: _l("Office of the People's Committee"),
    Sector.service_center: _l("Public administrative service centre"),
    Sector.association: _l("Business association"),
    Sector.other: _l("Other"),
}

GROUP_LABELS = {
    AgencyGroup.department: _l("Provincial departments and boards"),
    AgencyGroup.central: _l("Central agencies in the province"),
    AgencyGroup.local: _l("People's committees"),
    AgencyGroup.none: _l("Other bodies"),
}

ROLE_LABELS = {
    Role.admin: _l("Administrator"),
    Role.coordinator: _l("Coordinator"),
    Role.clerk: _l("Intake clerk"),
    Role.officer: _l("Agency officer"),
    Role.head: _l("Agency head"),
    Role.inspector: _l("Inspector"),
    Role.analyst: _l("Association analyst"),
}
