//! The rules, one table per object of the ninjs schemas 1.x, 2.x and 3.x (and GeoJSON); rows
//! mirror the schemas' properties.

use super::{Obj, Prop, Shape, Shape::*, Version::*, Version, closed, geo, open, p, pat, since, span};

const TYPES_1_0: &[&str] = &["text", "audio", "video", "picture", "graphic", "composite"];
const TYPES_1_2: &[&str] = &["text", "audio", "video", "picture", "graphic", "composite", "component"];
const TYPES_3: &[&str] =
    &["text", "audio", "video", "picture", "graphic", "composite", "component", "event", "planning"];
const PUBSTATUS: &[&str] = &["usable", "withheld", "canceled"];
const FULL_PARTIAL: &[&str] = &["full", "partial"];

static ANY_OBJ: Obj = open(&[]);
static STANDARD: Obj = closed(&[p("name", Str), p("version", Str), p("schema", Str)]);
static DIGITAL_SOURCE: Obj = closed(&[p("name", Str), p("uri", Str), p("literal", Str)]);
static RIGHTS: Obj = Obj {
    one_of: &[&["linkedrights", "encodedrights"]],
    ..open(&[p("langid", Str), p("linkedrights", Str), p("encodedrights", Str)])
};
static CONTACT: Obj = Obj {
    one_of: &[&["value", "address"]],
    ..closed(&[
        p("type", Str), p("role", Str), p("lang", Str), p("name", Str), p("value", Str), p("address", Obj(&ADDRESS)),
    ])
};
static ADDRESS: Obj = closed(&[
    p("lines", Arr(&Str)), p("locality", Str), p("area", Str), p("postalcode", Str), p("country", Str),
]);
// Development property of 1.x_dev / 2.x_dev (accepted by 1.6 and 2.2 only, see the module docs).
static ADVICE: Obj = closed(&[
    p("role", Enum(&["publish"])), p("environments", List(&CODE_OPEN)), p("importance", Obj(&CODE)),
    p("lifetime", Obj(&CODE)),
]);
static CODE: Obj = closed(&[p("code", Str), p("scheme", Str)]);
static CODE_OPEN: Obj = open(&[p("code", Str), p("scheme", Str)]);

// ninjs 1.0–1.6
static ROOT1: Obj = Obj {
    required: &["uri"],
    ..closed(&[
        p("uri", Str),
        span(V1_0, V1_1, "type", Enum(TYPES_1_0)),
        since(V1_2, "type", Enum(TYPES_1_2)),
        p("mimetype", Str),
        p("representationtype", Enum(&["complete", "incomplete"])),
        p("profile", Str), p("version", Str),
        since(V1_2, "firstcreated", Str), p("versioncreated", Str), since(V1_4, "contentcreated", Str),
        p("embargoed", Str),
        p("pubstatus", Enum(PUBSTATUS)),
        since(V1_1, "urgency", Num),
        p("copyrightholder", Str), p("copyrightnotice", Str), since(V1_1, "usageterms", Str),
        since(V1_2, "ednote", Str),
        p("language", Str),
        p("person", List(&PERSON1)), p("organisation", List(&ORG1)), p("place", List(&PLACE1)),
        p("subject", List(&SUBJECT1)),
        p("event", List(&ENTITY1)), p("object", List(&ENTITY1)),
        since(V1_2, "infosource", List(&PERSON1)) /* same shape */,
        since(V1_2, "title", Str), p("byline", Str), p("headline", Str), since(V1_2, "slugline", Str),
        p("located", Str),
        since(V1_2, "charcount", Num), since(V1_2, "wordcount", Num),
        p("renditions", Obj(&RENDITIONS1)), p("associations", Obj(&ASSOCIATIONS1)),
        since(V1_3, "altids", Obj(&ANY_OBJ)), since(V1_3, "trustindicator", List(&TRUST1)),
        since(V1_3, "$standard", Obj(&STANDARD)), since(V1_3, "genre", List(&GENRE1)),
        since(V1_4, "expires", Str), since(V1_4, "rightsinfo", Obj(&RIGHTS)),
        since(V1_6, "digitalsourcetype", Obj(&DIGITAL_SOURCE)),
        since(V1_6, "advices", List(&ADVICE)),
        pat(V1_0, V3_1, "description_", true, Str), pat(V1_0, V3_1, "body_", true, Str),
        pat(V1_3, V3_1, "headline_", true, Str),
    ])
};
static ENTITY1: Obj = closed(&[p("name", Str), p("rel", Str), p("scheme", Str), p("code", Str)]);
static PERSON1: Obj = closed(&[
    p("name", Str), p("rel", Str), p("scheme", Str), p("code", Str), since(V1_5, "contactinfo", List(&CONTACT)),
]);
static ORG1: Obj = closed(&[
    p("name", Str), p("rel", Str), p("scheme", Str), p("code", Str), p("symbols", List(&SYMBOL1)),
    since(V1_5, "contactinfo", List(&CONTACT)),
]);
static SYMBOL1: Obj = closed(&[
    p("ticker", Str), p("exchange", Str), since(V1_5, "symboltype", Str), since(V1_5, "symbol", Str),
]);
static PLACE1: Obj = closed(&[
    p("name", Str), p("rel", Str), p("scheme", Str), p("code", Str), since(V1_5, "contactinfo", List(&CONTACT)),
    pat(V1_1, V3_1, "geometry_", true, Obj(&ANY_OBJ)),
]);
static SUBJECT1: Obj = closed(&[
    p("name", Str), p("rel", Str), p("scheme", Str), p("code", Str),
    since(V1_5, "creator", Str), since(V1_5, "relevance", IntIn(0, 100)), since(V1_5, "confidence", IntIn(0, 100)),
]);
static RENDITIONS1: Obj = closed(&[
    pat(V1_0, V1_2, "", false, Obj(&RENDITION1)), pat(V1_3, V3_1, "", true, Obj(&RENDITION1)),
]);
static RENDITION1: Obj = closed(&[
    p("href", Str), p("mimetype", Str), p("title", Str), p("height", Num), p("width", Num), p("sizeinbytes", Num),
    since(V1_2, "duration", Num), since(V1_2, "format", Str),
]);
static ASSOCIATIONS1: Obj = closed(&[pat(V1_0, V1_2, "", false, Item), pat(V1_3, V3_1, "", true, Item)]);
static TRUST1: Obj = closed(&[p("scheme", Str), p("code", Str), p("title", Str), p("href", Str)]);
static GENRE1: Obj = closed(&[p("name", Str), p("scheme", Str), p("code", Str)]);

// ninjs 2.0–2.2
static ROOT2: Obj = Obj {
    required: &["uri"],
    ..closed(&[
        p("uri", Str), p("type", Enum(TYPES_1_2)), p("representationtype", Enum(FULL_PARTIAL)), p("profile", Str),
        p("version", Str),
        p("firstcreated", Str), p("versioncreated", Str), p("contentcreated", Str), p("embargoed", Str),
        p("pubstatus", Enum(PUBSTATUS)), p("urgency", Num),
        p("copyrightholder", Str), p("copyrightnotice", Str), p("usageterms", Str), p("ednote", Str),
        p("language", Str),
        p("descriptions", List(&TEXT2)), p("bodies", List(&BODY2)), p("headlines", List(&TEXT2)),
        p("people", List(&PERSON2)), p("organisations", List(&ORG2)), p("places", List(&PLACE2)),
        p("subjects", List(&SUBJECT2)),
        p("events", List(&ENTITY2)), p("objects", List(&ENTITY2)), p("infosources", List(&INFOSOURCE2)),
        p("title", Str), p("by", Str), p("slugline", Str), p("located", Str),
        p("renditions", List(&RENDITION2)),
        span(V2_0, V2_0, "associations", Arr(&AnyOf(&[Obj(&NAMED), Item]))),
        since(V2_1, "associations", List(&ASSOCIATION)),
        p("altids", List(&ALTID)), p("trustindicators", List(&TRUST2)), p("standard", Obj(&STANDARD)),
        p("genres", List(&GENRE2)),
        since(V2_1, "expires", Str), p("rightsinfo", Obj(&RIGHTS)),
        since(V2_2, "digitalsourcetype", Obj(&DIGITAL_SOURCE)),
        since(V2_2, "advices", List(&ADVICE)),
    ])
};
/// 2.0 association, first anyOf branch: any object with a string `name`.
static NAMED: Obj = Obj { required: &["name"], ..open(&[p("name", Str)]) };
/// 2.1+ association: the version's item properties plus these, closed.
static ASSOCIATION: Obj =
    Obj { required: &["name", "uri"], item: true, ..closed(&[p("name", Str), since(V3_0, "rel", Str)]) };
static TEXT2: Obj = Obj { required: &["value"], ..closed(&[p("role", Str), p("contenttype", Str), p("value", Str)]) };
static BODY2: Obj = Obj {
    required: &["value"],
    ..closed(&[p("role", Str), p("contenttype", Str), p("charcount", Num), p("wordcount", Num), p("value", Str)])
};
static ENTITY2: Obj = closed(&[p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str)]);
static PERSON2: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), since(V2_1, "contactinfo", List(&CONTACT)),
]);
static ORG2: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), p("symbols", List(&SYMBOL2)),
    since(V2_1, "contactinfo", List(&CONTACT)),
]);
static SYMBOL2: Obj = closed(&[
    p("ticker", Str), p("exchange", Str), since(V2_1, "symboltype", Str), since(V2_1, "symbol", Str),
]);
static PLACE2: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), since(V2_1, "contactinfo", List(&CONTACT)),
    p("geojson", GEOJSON),
]);
static SUBJECT2: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str),
    since(V2_1, "creator", Str), since(V2_1, "relevance", IntIn(0, 100)), since(V2_1, "confidence", IntIn(0, 100)),
]);
static INFOSOURCE2: Obj = closed(&[
    p("name", Str), p("role", Str), p("uri", Str), p("literal", Str), since(V2_1, "contactinfo", List(&CONTACT)),
]);
static RENDITION2: Obj = Obj {
    required: &["name"],
    ..closed(&[
        p("name", Str), p("href", Str), p("contenttype", Str), p("title", Str), p("height", Num), p("width", Num),
        p("sizeinbytes", Num), p("duration", Num), p("format", Str),
    ])
};
static ALTID: Obj = closed(&[p("role", Str), p("value", Str)]);
static TRUST2: Obj = closed(&[p("role", Str), p("title", Str), p("href", Str)]);
static GENRE2: Obj = closed(&[p("name", Str), p("uri", Str), p("literal", Str)]);

// ninjs 3.0–3.1
static ROOT3: Obj = Obj {
    required: &["uri"],
    ..closed(&[
        p("uri", Str), p("type", Enum(TYPES_3)), p("representationType", Enum(FULL_PARTIAL)), p("profile", Str),
        p("version", Str),
        p("firstCreated", Str), p("versionCreated", Str), p("contentCreated", Str), p("embargoedUntil", Str),
        p("pubStatus", Enum(PUBSTATUS)), p("urgency", IntIn(1, 9)),
        p("copyrightHolder", Str), p("copyrightNotice", Str), p("usageTerms", Str), p("edNote", Str),
        p("language", Str),
        p("descriptions", List(&TEXT3)), p("bodies", List(&BODY3)), p("headlines", List(&TEXT3)),
        p("people", List(&PERSON3)), p("organisations", List(&ORG3)), p("places", List(&PLACE3)),
        p("subjects", List(&SUBJECT3)),
        p("events", List(&EVENT3)), p("eventDetails", Obj(&EVENT_DETAILS)), p("plannedCoverage", List(&COVERAGE)),
        p("objects", List(&ENTITY2)), p("infoSources", List(&INFOSOURCE3)),
        p("title", Str), p("by", Str), p("slugline", Str), p("located", Str),
        p("renditions", List(&RENDITION3)), p("associations", List(&ASSOCIATION)),
        p("altIds", List(&ALTID)), p("trustIndicators", List(&TRUST2)), p("standard", Obj(&STANDARD)),
        p("genres", List(&GENRE2)),
        p("expires", Str), p("rightsInfo", Obj(&RIGHTS3)),
        since(V3_1, "digitalSourceType", Obj(&DIGITAL_SOURCE)),
    ])
};
static TEXT3: Obj = Obj { required: &["value"], ..closed(&[p("role", Str), p("contentType", Str), p("value", Str)]) };
static BODY3: Obj = Obj {
    required: &["value"],
    ..closed(&[p("role", Str), p("contentType", Str), p("charCount", Int), p("wordCount", Int), p("value", Str)])
};
static CONTACT3: Obj = Obj {
    one_of: &[&["value", "address"]],
    ..closed(&[
        p("type", Str), p("role", Str), p("lang", Str), p("name", Str), p("value", Str),
        p("address", Obj(&ADDRESS3)),
    ])
};
static ADDRESS3: Obj = closed(&[
    p("lines", Arr(&Str)), p("locality", Str), p("area", Str), p("postalCode", Str), p("country", Str),
]);
static PERSON3: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), p("contactInfo", List(&CONTACT3)),
]);
static INFOSOURCE3: Obj = closed(&[
    p("name", Str), p("role", Str), p("uri", Str), p("literal", Str), p("contactInfo", List(&CONTACT3)),
]);
static ORG3: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), p("symbols", List(&SYMBOL3)),
    p("contactInfo", List(&CONTACT3)),
]);
static SYMBOL3: Obj = closed(&[p("exchange", Str), p("symbolType", Str), p("symbol", Str)]);
static PLACE3: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), p("contactInfo", List(&CONTACT3)),
    p("geoJSON", GEOJSON),
]);
static SUBJECT3: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str),
    p("creator", Str), p("relevance", IntIn(0, 100)), p("confidence", IntIn(0, 100)),
]);
static EVENT3: Obj = closed(&[p("id", Str), p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str)]);
static EVENT_DETAILS: Obj = closed(&[
    p("eventStatus", Str), p("plannedCoverageStatus", Str), p("dates", Obj(&DATES)), p("organiser", Obj(&ORG3)),
]);
static DATES: Obj = Obj {
    one_of: &[&["startDate", "expectedStartDate"], &["endDate", "expectedEndDate"]],
    ..closed(&[
        p("startDate", Str), p("endDate", Str), p("expectedStartDate", TruncDate), p("expectedEndDate", TruncDate),
        p("expectedDuration", Str), p("recurrence", Obj(&RECURRENCE)),
    ])
};
static RECURRENCE: Obj = closed(&[
    p("recurrenceDates", Never("the 3.x schema requires an array and, by its $ref, a date string at once, \
                                so no value is valid")),
    p("recurrenceRules", List(&RECURRENCE_RULE)),
]);
static RECURRENCE_RULE: Obj = closed(&[
    p("frequency", Enum(&["secondly", "minutely", "hourly", "daily", "weekly", "monthly", "yearly"])),
    p("interval", Int), p("until", Str), p("count", Int),
]);
static COVERAGE: Obj = closed(&[
    p("uri", Str), p("title", Str), p("pubStatus", Enum(PUBSTATUS)), p("type", Enum(TYPES_3)),
    p("commissioned", Obj(&COMMISSIONED)),
    p("dates", Obj(&DATES)), p("audiences", List(&AUDIENCE)), p("exclAudience", Arr(&Str)), p("edNote", Str),
    p("urgency", IntIn(1, 9)), p("language", Str), p("itemCount", Obj(&ITEM_COUNT)), p("wordCount", Int),
    p("renditions", List(&RENDITION3)),
]);
static COMMISSIONED: Obj = closed(&[p("by", Str), p("on", Str), p("references", List(&REFERENCE))]);
static REFERENCE: Obj = closed(&[p("name", Str), p("value", Str)]);
static AUDIENCE: Obj = closed(&[p("audience", Str), p("significance", Int)]);
static ITEM_COUNT: Obj = closed(&[p("rangeFrom", Int), p("rangeTo", Int)]);
static RENDITION3: Obj = Obj {
    required: &["name"],
    ..closed(&[
        p("name", Str), p("href", Str), p("contentType", Str), p("title", Str), p("width", Int), p("height", Int),
        p("sizeInBytes", Int), p("duration", Num), p("format", Str), p("aspectRatio", Str), p("videoCodec", Str),
        p("frameRate", Num), p("poi", Obj(&POI)), p("transportProtocol", Str),
        p("scanType", Enum(&["progressive", "interlaced"])),
        p("bitrate", Str),
    ])
};
static POI: Obj = closed(&[p("x", Int), p("y", Int)]);
static RIGHTS3: Obj = Obj {
    one_of: &[&["linkedRights", "encodedRights"]],
    ..closed(&[p("langId", Str), p("linkedRights", Str), p("encodedRights", Str)])
};

// GeoJSON (RFC 7946 objects as the GeoJSON schema that 2.x/3.x places refer to describes them)
const GEOJSON: Shape = Tagged(&GEOJSON_TYPES);
const POSITION: Shape = ArrMin(2, &Num);
const BBOX: Prop = p("bbox", ArrMin(4, &Num));
const GEOMETRY: &[&str] = &["type", "coordinates"];
static POINT: Obj = geo(&[p("coordinates", POSITION), BBOX], GEOMETRY);
static LINE_STRING: Obj = geo(&[p("coordinates", ArrMin(2, &POSITION)), BBOX], GEOMETRY);
static POLYGON: Obj = geo(&[p("coordinates", Arr(&ArrMin(4, &POSITION))), BBOX], GEOMETRY);
static MULTI_POINT: Obj = geo(&[p("coordinates", Arr(&POSITION)), BBOX], GEOMETRY);
static MULTI_LINE_STRING: Obj = geo(&[p("coordinates", Arr(&ArrMin(2, &POSITION))), BBOX], GEOMETRY);
static MULTI_POLYGON: Obj = geo(&[p("coordinates", Arr(&Arr(&ArrMin(4, &POSITION)))), BBOX], GEOMETRY);
static GEOMETRY_COLLECTION: Obj = geo(&[
    p("geometries", Arr(&Tagged(&SIMPLE_GEOMETRIES))), BBOX], &["type", "geometries",
]);
static FEATURE: Obj = geo(
    &[
        p("id", AnyOf(&[Num, Str])), p("properties", AnyOf(&[Null, Obj(&ANY_OBJ)])),
        p("geometry", AnyOf(&[Null, Tagged(&GEOMETRIES)])), BBOX,
    ],
    &["type", "properties", "geometry"],
);
static FEATURE_COLLECTION: Obj = geo(&[
    p("features", Arr(&Tagged(&[("Feature", &FEATURE)]))), BBOX], &["type", "features",
]);
static SIMPLE_GEOMETRIES: [(&str, &Obj); 6] = [
    ("Point", &POINT), ("LineString", &LINE_STRING), ("Polygon", &POLYGON),
    ("MultiPoint", &MULTI_POINT), ("MultiLineString", &MULTI_LINE_STRING), ("MultiPolygon", &MULTI_POLYGON),
];
static GEOMETRIES: [(&str, &Obj); 7] = [
    ("Point", &POINT), ("LineString", &LINE_STRING), ("Polygon", &POLYGON), ("MultiPoint", &MULTI_POINT),
    ("MultiLineString", &MULTI_LINE_STRING), ("MultiPolygon", &MULTI_POLYGON),
    ("GeometryCollection", &GEOMETRY_COLLECTION),
];
static GEOJSON_TYPES: [(&str, &Obj); 9] = [
    ("Point", &POINT), ("LineString", &LINE_STRING), ("Polygon", &POLYGON), ("MultiPoint", &MULTI_POINT),
    ("MultiLineString", &MULTI_LINE_STRING), ("MultiPolygon", &MULTI_POLYGON),
    ("GeometryCollection", &GEOMETRY_COLLECTION),
    ("Feature", &FEATURE), ("FeatureCollection", &FEATURE_COLLECTION),
];

pub(super) fn root(v: Version) -> &'static Obj {
    if v <= V1_6 { &ROOT1 } else if v <= V2_2 { &ROOT2 } else { &ROOT3 }
}
