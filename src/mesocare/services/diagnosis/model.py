"""The typed result of a zone diagnosis: findings by theme, frozen, with a versioned JSON Schema.

A :class:`Finding` is one indicator's value for one unit with its 95% interval, its comparators
(the region, and the spread over every zone of the region), whether the difference is significant,
the polarity that says which way is better, the unit's rank among the zones, the reference year
and the source. A :class:`ZoneDiagnosis` holds, per theme, its findings and the typed detail that
its maps and tables need. The report, the JSON output and the web pages render this object only;
words are English identifiers here and are translated where they are shown.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: Version of the JSON document; bump the major number on any change that breaks a reader.
SCHEMA_VERSION = "1.0"
SCHEMA_ID = f"https://mesocare.org/schemas/zone-diagnosis/{SCHEMA_VERSION}.json"

Level = Literal["area", "network", "zone", "region"]
Polarity = Literal["higher_is_better", "lower_is_better", "none"]
Significance = Literal["better", "worse", "similar", "higher", "lower", "not_compared"]
ThemeId = Literal[
    "population",
    "indicators",
    "supply",
    "shortage",
    "accessibility",
    "zoning",
    "financing",
    "population_health",
]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UnitRef(Frozen):
    code: str
    name: str
    level: Level


class Spread(Frozen):
    """Distribution of the values of every zone of the region (the spine chart's bar)."""

    zones: int
    min: float
    q1: float
    median: float
    q3: float
    max: float


class Finding(Frozen):
    """One indicator's value for one unit, against its comparators."""

    indicator_id: str
    unit_code: str
    level: Level
    value: float | None
    unit: str = Field(description="unit of the value, in English (translated when shown)")
    numerator: float | None = None
    denominator: float | None = None
    lower: float | None = Field(default=None, description="95% interval, lower bound")
    upper: float | None = Field(default=None, description="95% interval, upper bound")
    interval_method: str | None = None
    region_value: float | None = None
    zones: Spread | None = Field(default=None, description="spread over the zones of the region")
    significance: Significance = "not_compared"
    polarity: Polarity = "none"
    rank: int | None = Field(
        default=None, description="1 = best (or highest when polarity is none)"
    )
    rank_of: int | None = None
    reference_year: int
    source: str
    note: str | None = Field(default=None, description="e.g. a figure that comes from another year")


class UnitValues(Frozen):
    """Indicator values of several units of one level (areas or networks), column by column."""

    level: Level
    codes: list[str]
    names: list[str]
    values: dict[str, list[float | None]]
    significance: dict[str, list[Significance]] = Field(
        default_factory=dict, description="against the parent unit (network or zone)"
    )


class Theme(Frozen):
    id: ThemeId
    findings: list[Finding] = Field(default_factory=list)


# --- population -------------------------------------------------------------------------------
class PyramidBand(Frozen):
    age_band: str
    zone_men_pct: float
    zone_women_pct: float
    region_men_pct: float
    region_women_pct: float


class PopulationTheme(Theme):
    id: Literal["population"] = "population"
    population_year: int
    age_structure_year: int | None = Field(
        None, description="year of the age structure when it differs from population_year"
    )
    pyramid: list[PyramidBand]


# --- indicators -------------------------------------------------------------------------------
class IndicatorsTheme(Theme):
    id: Literal["indicators"] = "indicators"
    networks: UnitValues | None = None
    areas: UnitValues


# --- supply -----------------------------------------------------------------------------------
class SupplyRow(Frozen):
    discipline: str
    providers: int
    fte: float
    per_10000: float | None
    region_per_10000: float | None
    accepting: int | None
    accepting_known: int


class ProviderSite(Frozen):
    name: str
    discipline: str
    practice: str | None
    area_name: str
    x: float
    y: float
    fte: float


class SupplyTheme(Theme):
    id: Literal["supply"] = "supply"
    has_providers: bool
    disciplines: list[SupplyRow] = Field(default_factory=list)
    gps: list[ProviderSite] = Field(default_factory=list)


# --- GP shortage: the Flemish rule and the APL, reconciled ------------------------------------
class ShortageRule(Frozen):
    gp_per_100k_below: float
    low_density_below_per_km2: float
    gp_per_100k_below_when_low_density: float
    apl_threshold: float | None
    apl_unit: str | None
    apl_threshold_inclusive: bool = Field(
        default=False, description="under-served at or below the threshold (else below it)"
    )


class ShortageRow(Frozen):
    unit: UnitRef
    population: int
    gp_under65: int
    gp_under65_per_100k: float | None
    density_per_km2: float | None
    rule_shortage: bool
    rule_reason: str
    apl: float | None = None
    apl_population_in_shortage: float | None = None
    apl_share_in_shortage: float | None = None
    apl_shortage: bool | None = Field(
        default=None, description="population-weighted APL under threshold"
    )
    agree: bool | None = None


class ShortageTheme(Theme):
    id: Literal["shortage"] = "shortage"
    rule: ShortageRule
    rows: list[ShortageRow] = Field(description="the networks, then the zone")
    verdict: Literal["shortage", "partial", "no_shortage"]
    area_codes: list[str]
    area_rule_shortage: list[bool]
    area_apl_shortage: list[bool] | None = None


# --- accessibility ----------------------------------------------------------------------------
class DistanceStep(Frozen):
    up_to_minutes: float
    weight: float


class Site(Frozen):
    area_code: str
    area_name: str
    x: float
    y: float
    fte: float


class AreaChange(Frozen):
    area_code: str
    area_name: str
    population: int
    before: float
    after: float


class AccessibilityTheme(Theme):
    id: Literal["accessibility"] = "accessibility"
    method: str
    unit_label: str
    max_gp_age: float
    threshold: float
    threshold_inclusive: bool = Field(
        default=False, description="under-served at or below the threshold (else below it)"
    )
    vintage: str = Field(default="", description="the APL parameter vintage, e.g. drees-2023")
    steps: list[DistanceStep]
    detour_factor: float | None
    speed_kmh: float | None
    areas_total: int
    areas_in_shortage: int
    population_in_shortage: float
    share_in_shortage: float
    area_codes: list[str]
    area_values: list[float | None]
    area_shortage: list[bool]
    networks: list[ShortageRow] = Field(default_factory=list)
    new_fte: float
    target: float
    optimality: str
    shortfall_before: float
    shortfall_after: float
    sites: list[Site]
    area_gain: list[float | None]
    least_served: list[AreaChange]


# --- zoning -----------------------------------------------------------------------------------
class ZoningRow(Frozen):
    unit: UnitRef
    areas: int
    population: int
    bounds: Literal["within", "below minimum", "above maximum"]
    contiguous: bool
    pieces: int
    compactness_km: float


class ZoningTheme(Theme):
    id: Literal["zoning"] = "zoning"
    network_min: float | None = None
    network_max: float | None = None
    network_tolerance: float | None = None
    networks: list[ZoningRow] = Field(default_factory=list)
    area_network: list[str | None] = Field(default_factory=list)
    area_codes: list[str] = Field(default_factory=list)
    zone_min: float
    zone_max: float
    zones: list[ZoningRow]


# --- financing --------------------------------------------------------------------------------
class IncomeLayer(Frozen):
    practice_id: str
    network_code: str
    model: str
    layer: str
    kind: str
    eur: float


class PracticeIncome(Frozen):
    practice_id: str
    network_code: str
    gps: int
    patients: int | None
    classic_eur: float
    new_deal_eur: float
    cappuccino_eur: float
    new_deal_outcome: str
    cappuccino_outcome: str


class LayerShare(Frozen):
    model: str
    layer: str
    kind: str
    eur: float
    share: float


class AllocationRow(Frozen):
    unit: UnitRef
    population: float
    need: float
    need_per_inhabitant: float
    need_rule_eur: float
    equal_rule_eur: float
    difference_eur: float
    need_rule_eur_per_inhabitant: float
    equal_rule_eur_per_inhabitant: float


class FinancingTheme(Theme):
    id: Literal["financing"] = "financing"
    parameter_set: str
    parameter_version: str
    unconfirmed_figures: int
    lists_from_territory: bool
    practices: list[PracticeIncome]
    layers: list[IncomeLayer]
    shares: list[LayerShare]
    budget_eur: float
    allocation: list[AllocationRow]
    concentration_need_rule: float
    concentration_equal_rule: float


# --- population health ------------------------------------------------------------------------
class MeasureRow(Frozen):
    """A suppressed population-health measure of the zone against the region (None = hidden)."""

    measure: str
    kind: str
    numerator: float | None
    denominator: float | None
    rate: float | None
    lower: float | None
    upper: float | None
    dsr: float | None = None
    dsr_lower: float | None = None
    dsr_upper: float | None = None
    region_rate: float | None = None
    region_dsr: float | None = None
    #: why numbers are hidden: small_count, secondary, not_computable, dsr_few_events (or None)
    note: str | None = None


class PopulationHealthTheme(Theme):
    id: Literal["population_health"] = "population_health"
    strata: list[MeasureRow]
    prevalences: list[MeasureRow]
    care_gaps: list[MeasureRow]
    map_measure: str
    area_codes: list[str]
    area_rates: list[float | None]


# --- the diagnosis ----------------------------------------------------------------------------
class SourceRef(Frozen):
    name: str
    licence: str
    url: str | None = None
    note: str | None = None


class GeometryRef(Frozen):
    """Which geometry the areas' km² (densities) come from and which one the maps draw."""

    area_km2: str
    drawing: str


class NotComputed(Frozen):
    """A theme that was not computed, and why (instead of zeros that would look like facts)."""

    theme: ThemeId
    reason: Literal["no_providers"]
    discipline: str | None = None


class AttributeRef(Frozen):
    id: str
    label: str
    unit: str
    definition: str
    source: str


class IndicatorDefinition(Frozen):
    id: str
    label: str
    unit: str
    method: str
    polarity: Polarity
    description: str


class Themes(Frozen):
    population: PopulationTheme
    indicators: IndicatorsTheme
    supply: SupplyTheme
    shortage: ShortageTheme | None = None
    accessibility: AccessibilityTheme | None = None
    zoning: ZoningTheme | None = None
    financing: FinancingTheme | None = None
    population_health: PopulationHealthTheme | None = None

    def present(self) -> list[Theme]:
        return [t for t in (getattr(self, n) for n in type(self).model_fields) if t is not None]


class ZoneDiagnosis(Frozen):
    """Everything Mesocare finds about one zone, against its region and its peers."""

    schema_version: str = SCHEMA_VERSION
    mesocare_version: str
    territory: str
    synthetic: bool
    seed: int | None = None
    crs: str
    language: str | None = Field(default=None, description="the territory's default language")
    reference_year: int
    zone: UnitRef
    region: UnitRef
    zones_in_region: int
    neighbours: list[UnitRef]
    networks: list[UnitRef]
    area_level: str
    areas: int
    themes: Themes
    definitions: list[IndicatorDefinition]
    sources: list[SourceRef]
    attributes: list[AttributeRef] = Field(default_factory=list)
    area_geometry: GeometryRef | None = Field(
        default=None, description="when the km² and the drawn outline come from other geometries"
    )
    not_computed: list[NotComputed] = Field(
        default_factory=list, description="themes left out, with the reason the user is told"
    )

    def finding(self, indicator_id: str, theme: str = "indicators") -> Finding | None:
        t = getattr(self.themes, theme)
        if t is None:
            return None
        return next((f for f in t.findings if f.indicator_id == indicator_id), None)


def json_schema() -> dict:
    """The JSON Schema of :class:`ZoneDiagnosis` documents (draft 2020-12), versioned."""
    schema = ZoneDiagnosis.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "Mesocare zone diagnosis",
        "version": SCHEMA_VERSION,
    }
