"""The facts the five source pages state, one by one, as SPARQL patterns over standard terms.

Each fact is (seed number, what the page says, a graph pattern). tests/test_source_facts.py
asks each pattern inside the named graph of its page: the fact must be there, stated by that
page, with the interop profile's terms (no kg: term is used below). WRONG lists what the
pages do not say and the data once did; none of it may be anywhere in the dataset.

Prefixes: ``id:`` is ``<base>id/``; the rest are the profile's.
"""

from __future__ import annotations

PREFIXES = """
PREFIX id: <http://example.org/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

# What all four NCK directory pages (000, 001, 003, 004) state.
NCK = [
    ("published by NCK", "?page dct:publisher id:org\\/nck . id:org\\/nck rdfs:label ?l"),
    ("21 state agencies", "?f schema:value 21 ; schema:observationAbout id:org\\/lansstyrelserna"),
    (
        "promote development and cooperation",
        'id:org\\/lansstyrelserna org:purpose "främja utveckling"@sv , "samverkan"@sv',
    ),
    (
        "see that the national goals are met",
        'id:org\\/lansstyrelserna org:purpose "se till att de nationella målen fullföljs"@sv',
    ),
    (
        "legal certainty in each case",
        'id:org\\/lansstyrelserna org:purpose "värna om rättssäkerheten i varje enskilt ärende"@sv',
    ),
    (
        "a link between state and municipal work",
        'id:org\\/lansstyrelserna org:purpose "en länk mellan statlig och kommunal verksamhet i länet"@sv',
    ),
    (
        "the Government's coordination responsibility",
        "id:mandate\\/koordineringsansvar dct:publisher id:org\\/regeringen . "
        "?a prov:qualifiedAssociation [ prov:agent id:org\\/lansstyrelserna ; "
        "prov:hadPlan id:mandate\\/koordineringsansvar ]",
    ),
    (
        "legal certainty, quality, national goals followed up",
        'id:org\\/lansstyrelserna org:purpose "rättssäkerhet och kvalitet"@sv , '
        '"att nationella politiska mål följs upp i länet"@sv',
    ),
    (
        "the 2007 mandate, by the Government",
        'id:mandate\\/2007-mans-vald dct:issued "2007"^^xsd:gYear ; dct:publisher id:org\\/regeringen',
    ),
    (
        "the boards work under the 2007 mandate",
        "?a prov:qualifiedAssociation [ prov:agent id:org\\/lansstyrelserna ; "
        "prov:hadPlan id:mandate\\/2007-mans-vald ]",
    ),
    (
        "extended in 2008 to honour-related violence",
        'id:mandate\\/2008-hedersrelaterat-vald dct:issued "2008"^^xsd:gYear ; '
        "prov:wasRevisionOf id:mandate\\/2007-mans-vald",
    ),
    (
        "the boards work under the 2008 extension",
        "?a prov:qualifiedAssociation [ prov:agent id:org\\/lansstyrelserna ; "
        "prov:hadPlan id:mandate\\/2008-hedersrelaterat-vald ]",
    ),
    (
        "advice, coordination, competence, development funds",
        'id:org\\/lansstyrelserna org:purpose "rådgivning"@sv , "samordning"@sv , '
        '"kompetenshöjande åtgärder"@sv , '
        '"fördelning av utvecklingsmedel gällande hedersrelaterat våld och förtryck"@sv',
    ),
]

BOARD = {  # seed -> (page, board, homepage)
    "000": ("id:page\\/nck-lansstyrelsen-kalmar", "id:board\\/kalmar", "kalmar"),
    "001": ("id:page\\/nck-lansstyrelsen-blekinge", "id:board\\/blekinge", "blekinge"),
    "003": ("id:page\\/nck-lansstyrelsen-vastmanland", "id:board\\/vastmanland", "vastmanland"),
    "004": ("id:page\\/nck-lansstyrelsen-orebro", "id:board\\/orebro", "orebro"),
}


def _nck(seed: str) -> list[tuple[str, str, str]]:
    page, board, home = BOARD[seed]
    own = [
        ("the page is about its board", f"{page} foaf:primaryTopic {board} ; dct:title ?t"),
        ("the board's homepage", f"{board} foaf:homepage <http://www.lansstyrelsen.se/{home}>"),
    ]
    return [(seed, what, p.replace("?page", page)) for what, p in NCK] + [
        (seed, what, p) for what, p in own
    ]


FACTS: list[tuple[str, str, str]] = [
    *_nck("000"),
    ("000", "the board's name", 'id:board\\/kalmar rdfs:label "Länsstyrelsen i Kalmar län"@sv'),
    (
        "000",
        "just over 400 cases a year: a lower bound",
        "?f schema:minValue 400 ; schema:observationAbout id:county\\/kalmar "
        "FILTER NOT EXISTS { ?f schema:value ?v }",
    ),
    (
        "000",
        "the board cooperates with authorities and organisations",
        'id:board\\/kalmar org:purpose ?p FILTER(STRSTARTS(?p, "samverkar med myndigheter"))',
    ),
    (
        "000",
        "a member of a regional network",
        "?n org:hasMember id:board\\/kalmar . id:board\\/kalmar org:memberOf ?n",
    ),
    (
        "000",
        "the network meets 1-2 times a year",
        "?f schema:minValue 1 ; schema:maxValue 2 ; "
        "schema:observationAbout id:org\\/regionalt-natverk-for-samverkan-kalmar",
    ),
    (
        "000",
        "part-funds two projects",
        "?f schema:value 2 ; schema:observationAbout id:board\\/kalmar",
    ),
    (
        "000",
        "Spirea, as the page names it",
        'id:project\\/spirea rdfs:label "Spirea - centrum mot våld i nära relationer"@sv',
    ),
    (
        "000",
        "Spirea offers support, advice and sheltered housing",
        'id:project\\/spirea org:purpose "erbjuder stöd, rådgivning och skyddat boende för kvinnor"@sv',
    ),
    (
        "000",
        "Spirea's work includes honour-related violence",
        'id:project\\/spirea org:purpose "hedersrelaterat våld- och förtryck"@sv',
    ),
    (
        "000",
        "ATV helps victims and perpetrators",
        'id:project\\/atv-sodra-kalmar org:purpose ?p FILTER(CONTAINS(?p, "förövare"))',
    ),
    (
        "000",
        "the board funds Spirea",
        "[] schema:funder id:board\\/kalmar ; schema:fundedItem id:project\\/spirea",
    ),
    (
        "000",
        "the board funds ATV",
        "[] schema:funder id:board\\/kalmar ; schema:fundedItem id:project\\/atv-sodra-kalmar",
    ),
    (
        "000",
        "the joint mapping 2003-2004 by Blekinge, Kalmar, Kronoberg",
        "?a prov:wasAssociatedWith id:board\\/blekinge , id:board\\/kalmar , id:board\\/kronoberg ; "
        'schema:startDate "2003"^^xsd:gYear ; schema:endDate "2004"^^xsd:gYear',
    ),
    (
        "000",
        "report 2001:29 by the Kalmar board",
        '?p dct:identifier "2001:29" ; dct:creator id:board\\/kalmar ; dct:issued "2001"^^xsd:gYear',
    ),
    (
        "000",
        "2001:29 is part of the board's supervisory mandate",
        "?a prov:generated ?p ; prov:qualifiedAssociation [ prov:agent id:board\\/kalmar ; "
        'prov:hadPlan ?m ] . ?p dct:identifier "2001:29"',
    ),
    *_nck("001"),
    ("001", "the board's name", 'id:board\\/blekinge rdfs:label "Länsstyrelsen i Blekinge län"@sv'),
    (
        "001",
        "supervision 2008-2009 in Ronneby, Sölvesborg, Karlskrona",
        "?a prov:wasAssociatedWith id:board\\/blekinge ; schema:location id:municipality\\/ronneby , "
        'id:municipality\\/solvesborg , id:municipality\\/karlskrona ; schema:startDate "2008"^^xsd:gYear ; '
        'schema:endDate "2009"^^xsd:gYear',
    ),
    (
        "001",
        "three municipalities",
        "?f schema:value 3 ; schema:observationAbout id:county\\/blekinge",
    ),
    (
        "001",
        "the 2003 mandate behind the joint mapping",
        "?a prov:qualifiedAssociation [ prov:agent id:board\\/blekinge ; "
        "prov:hadPlan id:mandate\\/2003-kartlaggning-hedersrelaterat-vald ] ; "
        "prov:generated id:publication\\/ratten-till-ett-eget-liv-2004-6",
    ),
    (
        "001",
        "a joint project leader of the three boards",
        "?o org:hasMember id:board\\/blekinge , id:board\\/kalmar , id:board\\/kronoberg ; org:hasPost ?post",
    ),
    (
        "001",
        "the 2004 preventive mandate, by the Government",
        'id:mandate\\/2004-forebyggande-hedersrelaterat-vald dct:issued "2004"^^xsd:gYear ; '
        "dct:publisher id:org\\/regeringen",
    ),
    (
        "001",
        "Jämställt Blekinge, drawn up under a government mandate",
        "?a prov:generated id:publication\\/jamstallt-blekinge-2016-2018 ; prov:qualifiedAssociation "
        "[ prov:agent id:board\\/blekinge ; prov:hadPlan ?m ] . ?m dct:publisher id:org\\/regeringen",
    ),
    (
        "001",
        "report 2008:27 by the board, a mapping in spring 2008",
        '?p dct:identifier "2008:27" ; dct:creator id:board\\/blekinge ; prov:wasGeneratedBy ?a . '
        '?a schema:startDate "2008"^^xsd:gYear',
    ),
    (
        "001",
        "four government mandates, one to support coordination",
        "?f schema:value 4 ; schema:observationAbout id:board\\/blekinge . "
        "?a prov:qualifiedAssociation [ prov:agent id:board\\/blekinge ; "
        "prov:hadPlan id:mandate\\/blekinge-stodja-samordningen ]",
    ),
    (
        "001",
        "report 2007:19 presents the projects of 2004-2007",
        '?p dct:identifier "2007:19" ; dct:references ?g . ?g schema:startDate "2004"^^xsd:gYear ; '
        'schema:endDate "2007"^^xsd:gYear',
    ),
    (
        "001",
        "report 2006:19 by the three boards",
        '?p dct:identifier "2006:19" ; dct:creator id:board\\/blekinge , id:board\\/kalmar , '
        "id:board\\/kronoberg",
    ),
    (
        "001",
        "report 2004:6 by the three boards",
        '?p dct:identifier "2004:6" ; dct:creator id:board\\/blekinge , id:board\\/kalmar , '
        "id:board\\/kronoberg",
    ),
    # page 002: Länsstyrelsen Kalmar's own page
    (
        "002",
        "last updated 2021-11-18",
        'id:page\\/lansstyrelsen-kalmar-mans-vald-mot-kvinnor dct:modified "2021-11-18"^^xsd:date',
    ),
    (
        "002",
        "competence support for those working in municipality or region",
        "?s a schema:Service ; schema:provider id:board\\/kalmar ; schema:audience ?au",
    ),
    (
        "002",
        "strengthen cooperation between authorities, municipalities, regions, civil society",
        'id:board\\/kalmar org:purpose "stärka samverkan mellan myndigheter, kommuner, landsting '
        'och regioner, civilsamhällets organisationer och andra aktörer"@sv',
    ),
    (
        "002",
        "the boards' special responsibility for the national strategy",
        "?a prov:qualifiedAssociation [ prov:agent id:org\\/lansstyrelserna ; "
        "prov:hadPlan id:publication\\/nationella-strategin-mans-vald-mot-kvinnor ]",
    ),
    (
        "002",
        "support and conditions for each county to meet the strategy",
        'id:board\\/kalmar org:purpose "stödja och skapa förutsättningar för att varje län ska uppnå '
        'intentionerna i den nationella strategin"@sv',
    ),
    (
        "002",
        "coordination, development of activities, knowledge and methods",
        'id:board\\/kalmar org:purpose "stödja och stärka samordningen av insatser"@sv , '
        '"stödja verksamhetsutveckling"@sv , "bidra med kunskap och metoder"@sv',
    ),
    (
        "002",
        "passing questions from the municipal to the national level",
        'id:board\\/kalmar org:purpose ?p FILTER(CONTAINS(?p, "från den kommunala nivån till den nationella nivån"))',
    ),
    (
        "002",
        "web training, web support, conferences, training days, campaigns",
        '?s schema:serviceType "webbutbildningar"@sv , "webbstöd"@sv , "konferenser"@sv , '
        '"utbildningsdagar"@sv , "kampanjer"@sv',
    ),
    (
        "002",
        "the work is based on Förordning (2021:995)",
        "?a prov:qualifiedAssociation [ prov:agent id:board\\/kalmar ; "
        "prov:hadPlan id:mandate\\/forordning-2021-995 ] . "
        'id:mandate\\/forordning-2021-995 dct:identifier "2021:995" ; dct:title ?t',
    ),
    (
        "002",
        "the link to the regulation on riksdagen.se",
        "id:mandate\\/forordning-2021-995 foaf:page ?doc . ?doc schema:isPartOf <http://riksdagen.se/> . "
        "id:page\\/lansstyrelsen-kalmar-mans-vald-mot-kvinnor dct:references ?doc",
    ),
    (
        "002",
        "the link to the board's page on men's violence against women",
        "id:page\\/lansstyrelsen-kalmar-mans-vald-mot-kvinnor dct:references ?doc . "
        "?doc dct:publisher id:board\\/kalmar",
    ),
    (
        "002",
        "the regional action plan 2021-2023 by the board",
        '?p dct:title "Att förebygga och bekämpa mäns våld mot kvinnor – Regional handlingsplan för '
        'Kalmar län 2021–2023"@sv ; dct:creator id:board\\/kalmar',
    ),
    (
        "002",
        "the strategy Ett jämställt Kalmar län 2017-2027",
        "id:publication\\/ett-jamstallt-kalmar-lan-2017-2027 dct:creator id:board\\/kalmar ; "
        "dct:spatial id:county\\/kalmar",
    ),
    *_nck("003"),
    (
        "003",
        "the board's name",
        'id:board\\/vastmanland rdfs:label "Länsstyrelsen i Västmanlands län"@sv',
    ),
    (
        "003",
        "supervision 2008-2009 in Kungsör, Surahammar, Västerås",
        "?a schema:location id:municipality\\/kungsor , id:municipality\\/surahammar , "
        'id:municipality\\/vasteras ; schema:startDate "2008"^^xsd:gYear ; schema:endDate "2009"^^xsd:gYear',
    ),
    (
        "003",
        "the regional cooperation group for women's peace",
        "id:org\\/regionala-samverkansgruppen-for-kvinnofrid-vastmanland schema:name "
        '"Den regionala samverkansgruppen för kvinnofrid"@sv ; org:purpose ?p',
    ),
    (
        "003",
        "municipalities, police and board agreed on a county strategy",
        "?a prov:wasAssociatedWith id:org\\/kommunerna-i-vastmanlands-lan , id:org\\/polisen , "
        "id:board\\/vastmanland ; prov:generated ?plan",
    ),
    (
        "003",
        "the board distributes funds to preventive projects since 2003",
        "?g prov:qualifiedAttribution [ prov:agent id:board\\/vastmanland ; prov:hadRole ?r ] ; "
        'schema:startDate "2003"^^xsd:gYear',
    ),
    (
        "003",
        "Kvalitén i skyddat boende by three boards",
        "id:publication\\/kvaliten-i-skyddat-boende dct:creator id:board\\/gavleborg , "
        "id:board\\/uppsala , id:board\\/vastmanland",
    ),
    (
        "003",
        "the trafficking plan made with a regional cooperation group",
        '?p dct:identifier "700-1744-09" ; dct:contributor ?grp',
    ),
    (
        "003",
        "the county strategy 2009-2010 and its attachment",
        "?b dct:isPartOf id:publication\\/lansstrategi-kvinnofrid-vastmanland-2009-2010 ; "
        'dct:identifier "801-3732-09"',
    ),
    (
        "003",
        "the strategy 2012-2014 and its attachment",
        "?b dct:isPartOf id:publication\\/mans-vald-mot-kvinnor-strategi-2012-2014-vastmanland",
    ),
    (
        "003",
        "the handbook made by the board",
        "id:publication\\/fortryck-och-vald-i-hederns-namn dct:creator id:board\\/vastmanland",
    ),
    (
        "003",
        "11 projects granted funds by two boards in 2004",
        "?g schema:funder id:board\\/vastmanland , id:board\\/orebro ; "
        'schema:startDate "2004"^^xsd:gYear . ?f schema:value 11 ; schema:observationAbout ?g',
    ),
    (
        "003",
        "70 girls and young women at risk",
        "?f schema:value 70 ; schema:observationAbout id:county\\/vastmanland",
    ),
    ("003", "report 2004:08", '?p dct:identifier "2004:08" ; dct:issued "2004"^^xsd:gYear'),
    (
        "003",
        "the 1997 mandate, by the Government",
        'id:mandate\\/1997-vald-mot-kvinnor dct:issued "1997"^^xsd:gYear ; dct:publisher id:org\\/regeringen',
    ),
    (
        "003",
        "the survey sent in November 2002, under the 1997 mandate",
        '?a schema:startDate "2002-11"^^xsd:gYearMonth ; prov:qualifiedAssociation '
        "[ prov:agent id:board\\/vastmanland ; prov:hadPlan id:mandate\\/1997-vald-mot-kvinnor ]",
    ),
    ("003", "report 2003:01", '?p dct:identifier "2003:01" ; dct:issued "2003"^^xsd:gYear'),
    (
        "003",
        "Åtgärdskort",
        "id:publication\\/atgardskort-barn-vuxna-och-djur-som-far-illa dct:title ?t",
    ),
    *_nck("004"),
    ("004", "the board's name", 'id:board\\/orebro rdfs:label "Länsstyrelsen i Örebro län"@sv'),
    (
        "004",
        "received SEK 3.1 million for 2009 to distribute to the municipalities",
        "?g prov:qualifiedAttribution [ prov:agent id:board\\/orebro ; prov:hadRole ?r1 ] , "
        "[ prov:agent id:board\\/orebro ; prov:hadRole ?r2 ] ; schema:amount [ schema:value ?v ; "
        'schema:currency "SEK" ] ; schema:startDate "2009"^^xsd:gYear FILTER(?r1 != ?r2 && ?v = 3100000)',
    ),
    (
        "004",
        "distributes state grants against honour-related violence",
        "?g prov:qualifiedAttribution [ prov:agent id:board\\/orebro ; prov:hadRole ?r ] ; "
        "schema:fundedItem id:project\\/insatser-hedersrelaterat-vald-orebro",
    ),
    (
        "004",
        "consultative support to the social services",
        '?s a schema:Service ; schema:provider id:board\\/orebro ; schema:name "konsultativt stöd"@sv',
    ),
    (
        "004",
        "active in Länsgruppen för kvinnofrid",
        "id:org\\/lansgruppen-for-kvinnofrid-orebro org:hasMember id:board\\/orebro",
    ),
    (
        "004",
        "a resource group on honour-related violence",
        "id:org\\/resursgrupp-hedersrelaterat-vald-orebro org:purpose ?p ; schema:areaServed id:county\\/orebro",
    ),
    (
        "004",
        "supervision 2006-2007 of work with children and young people",
        "?a prov:wasAssociatedWith id:board\\/orebro ; prov:generated ?p ; "
        'schema:startDate "2006"^^xsd:gYear ; schema:endDate "2007"^^xsd:gYear . ?p dct:identifier "2008:15"',
    ),
    (
        "004",
        "supervision 2006 in 10 of 13 committees",
        "?f10 schema:value 10 . ?f13 schema:value 13 . ?f3 schema:value 3 ; "
        'dct:date "2006"^^xsd:gYear',
    ),
    ("004", "report 2007:36", '?p dct:identifier "2007:36" ; dct:creator id:board\\/orebro'),
    (
        "004",
        "report 2005:33 / 2005:15 by two boards",
        '?p dct:identifier "2005:33" , "2005:15" ; dct:creator id:board\\/vastmanland , id:board\\/orebro',
    ),
    (
        "004",
        "the county-wide mapping",
        "id:publication\\/kvinnofrid-i-orebro-lan-lansovergripande-kartlaggning prov:wasGeneratedBy ?a",
    ),
    (
        "004",
        "the agreement on cooperation",
        "id:publication\\/overenskommelse-om-samverkan-for-kvinnofrid-orebro dct:title ?t",
    ),
]

# Said by the data once, by none of the pages. None of it may be anywhere (the union).
WRONG: list[tuple[str, str]] = [
    (
        "an invented title for a mandate",
        '?m a prov:Plan ; dct:title ?t FILTER(STRSTARTS(?t, "Regeringsuppdrag") || STRSTARTS(?t, "Uppdrag") || STRSTARTS(?t, "Utvidgning") || STRSTARTS(?t, "Myndighetsgemensamma"))',
    ),
    (
        "a title for the national strategy",
        "id:publication\\/nationella-strategin-mans-vald-mot-kvinnor dct:title ?t",
    ),
    (
        "a creator for the national strategy",
        "id:publication\\/nationella-strategin-mans-vald-mot-kvinnor dct:creator ?c",
    ),
    ("an English dct:alternative", '?p dct:alternative ?t FILTER(LANGMATCHES(LANG(?t), "en"))'),
    (
        "an English dct:title of a resource",
        '?p dct:title ?t FILTER(LANGMATCHES(LANG(?t), "en") && STRSTARTS(STR(?p), STR(id:)))',
    ),
    (
        "a year guessed from a period in a title",
        "VALUES ?p { id:publication\\/jamstallt-blekinge-2016-2018 "
        "id:publication\\/att-forebygga-och-bekampa-mans-vald-mot-kvinnor-kalmar-2021-2023 "
        "id:publication\\/mans-vald-mot-kvinnor-strategi-2012-2014-vastmanland } ?p dct:issued ?y",
    ),
    (
        "years for the 2004:08 mapping",
        "id:activity\\/kartlaggning-hedersrelaterat-vald-vastmanland-2004 schema:startDate|schema:endDate ?y",
    ),
    (
        "a year for the figure of 70",
        "id:figure\\/vastmanland-flickor-risk-hedersrelaterat-vald dct:date ?y",
    ),
    (
        "an end year for the 2002 survey",
        "id:activity\\/granskning-socialtjanst-vastmanland-2002 schema:endDate ?y",
    ),
    (
        "the 2002 survey without its month",
        'id:activity\\/granskning-socialtjanst-vastmanland-2002 schema:startDate "2002"^^xsd:gYear',
    ),
    (
        "a mandate the page does not link to the Blekinge 2008 mapping",
        "id:activity\\/kartlaggning-samverkan-blekinge-2008 prov:wasInfluencedBy|prov:qualifiedAssociation/prov:hadPlan id:mandate\\/2007-mans-vald",
    ),
    (
        "a mandate the page does not link to the Västmanland 2004 mapping",
        "id:activity\\/kartlaggning-hedersrelaterat-vald-vastmanland-2004 prov:wasInfluencedBy|prov:qualifiedAssociation/prov:hadPlan ?m",
    ),
    (
        "Blekinge as funder of the 2004-2007 funds",
        "id:grant\\/blekinge-hedersrelaterat-2004-2007 schema:funder ?f",
    ),
    (
        "Blekinge as sole author of 2007:19",
        "id:publication\\/sammanstallning-beviljade-projektmedel-2007-19 dct:creator ?c",
    ),
    (
        "Örebro as funder of money it received to distribute",
        "id:grant\\/orebro-kommuner-2009 schema:funder ?f",
    ),
    (
        "Örebro as funder of the state grants it distributes",
        "id:grant\\/orebro-statsbidrag-hedersrelaterat-vald schema:funder ?f",
    ),
    (
        "Västmanland as funder of funds it distributes",
        "id:grant\\/vastmanland-forebyggande-projekt-sedan-2003 schema:funder ?f",
    ),
    ("400 as an exact value", "id:figure\\/kalmar-misshandel-per-ar schema:value ?v"),
    (
        "Spirea as two resources",
        "id:org\\/spirea rdfs:label ?a . id:project\\/spirea rdfs:label ?b",
    ),
    (
        "ATV as two resources",
        "id:org\\/atv-sodra-kalmar rdfs:label ?a . id:project\\/atv-sodra-kalmar rdfs:label ?b",
    ),
    (
        "Spirea's name with an en dash",
        '?s rdfs:label "Spirea – centrum mot våld i nära relationer"@sv',
    ),
    ("wrong Swedish: Sölvesborg kommun", '?m skos:altLabel "Sölvesborg kommun"@sv'),
    ("wrong Swedish: Kungsör kommun", '?m skos:altLabel "Kungsör kommun"@sv'),
    ("wrong Swedish: Surahammar kommun", '?m skos:altLabel "Surahammar kommun"@sv'),
    ("an unnamed county derived from a page", "id:county\\/stockholm prov:wasDerivedFrom ?page"),
    ("an unnamed board derived from a page", "id:board\\/norrbotten prov:wasDerivedFrom ?page"),
    (
        "the Kalmar board derived from the Västmanland page",
        "id:board\\/kalmar prov:wasDerivedFrom id:page\\/nck-lansstyrelsen-vastmanland",
    ),
    ("a board linked to a mandate by kg:carriesOut", "?b <http://example.org/def/carriesOut> ?m"),
    ("reference data derived from a page", "id:country\\/sverige prov:wasDerivedFrom ?page"),
    ("the topic scheme derived from a page", "id:scheme\\/topics prov:wasDerivedFrom ?page"),
]
