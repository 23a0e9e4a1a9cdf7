"""The interface texts of the site: each key in Swedish and English, in that order.

Texts with ``{name}`` are filled in with ``str.format``; counted nouns are in
:data:`COUNTS` (singular and plural form per language) and written with
:func:`kgraph.web.i18n.count`.

>>> TEXTS["search"], COUNTS["results"][1]
(('Sök', 'Search'), ('{n} result', '{n} results'))
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # chrome
    "site_name": ("Kvinnofrid i länen", "Kvinnofrid in the counties"),
    "site_description": (
        "Länsstyrelsernas arbete mot mäns våld mot kvinnor som öppna länkade data: uppdrag, "
        "publikationer, projekt, bidrag, tillsyn och kartläggningar, län för län.",
        "The county administrative boards' work against men's violence against women as open "
        "linked data: mandates, publications, projects, grants, supervision and mappings, "
        "county by county.",
    ),
    "skip_to_content": ("Hoppa till innehållet", "Skip to content"),
    "nav_main": ("Huvudmeny", "Main menu"),
    "nav_footer": ("Om webbplatsen", "About the site"),
    "nav_map": ("Karta", "Map"),
    "nav_timeline": ("Tidslinje", "Timeline"),
    "nav_network": ("Samarbeten", "Co-authorship"),
    "nav_sparql": ("SPARQL", "SPARQL"),
    "search": ("Sök", "Search"),
    "dumps": ("Nedladdningar", "Downloads"),
    "catalog": ("Datakatalog", "Data catalogue"),
    "other_lang": ("In English", "På svenska"),
    "about": ("Om webbplatsen", "About this site"),
    "contact": ("Kontakt", "Contact"),
    "accessibility": ("Tillgänglighet", "Accessibility"),
    "api_docs": ("API", "API"),
    "footer_publisher": ("Uppgifterna publiceras av {publisher}", "Published by {publisher}"),
    "footer_licence": ("under licensen", "under the licence"),
    "breadcrumbs": ("Brödsmulor", "Breadcrumbs"),
    "home": ("Start", "Home"),
    # home
    "dataset_intro": (
        "Länsstyrelsernas arbete mot mäns våld mot kvinnor som länkade data: länsstyrelser, län "
        "och kommuner, publikationer, uppdrag, projekt, bidrag, tillsyn och siffror – med "
        "källsidorna de kommer från.",
        "The county administrative boards' work against men's violence against women as linked "
        "data: boards, counties and municipalities, publications, mandates, projects, grants, "
        "supervision and figures – with the source pages they come from.",
    ),
    "updated": ("uppdaterad {date}", "updated {date}"),
    "explore": ("Utforska", "Explore"),
    "what_is_here": ("Vad som finns", "What is here"),
    "kind": ("Slag", "Kind"),
    "count": ("Antal", "Number"),
    "counties": ("Län", "Counties"),
    "county": ("Län", "County"),
    "the_dataset": ("Om datamängden", "About the dataset"),
    "ontology_link": ("Begreppen (ontologin)", "The terms (ontology)"),
    "sparql_editor": ("Ställ egna frågor med SPARQL", "Ask your own questions in SPARQL"),
    "download_all": ("Ladda ner allt", "Download everything"),
    # search
    "search_label": ("Sök bland namn, titlar och nummer", "Search names, titles and numbers"),
    "search_type": ("Slag", "Kind"),
    "search_any_type": ("Alla slag", "All kinds"),
    "search_results_for": ("Sökresultat för ”{q}”", "Results for “{q}”"),
    "search_showing": ("Visar {first}–{last} av {total}", "Showing {first}–{last} of {total}"),
    "did_you_mean": ("Menade du", "Did you mean"),
    "no_results": ("Inga träffar för ”{q}”.", "Nothing found for “{q}”."),
    "search_tips": ("Tips", "Tips"),
    "search_tip_short": (
        "Pröva ett kortare ord eller en del av ett ord, till exempel ”heder” eller ”kalmar”.",
        "Try a shorter word or part of a word, such as “heder” or “kalmar”.",
    ),
    "search_tip_number": (
        "Du kan söka på rapportnummer (”2004:6”), diarienummer och läns- och kommunkoder "
        "(”08”, ”1080”).",
        "You can search report numbers (“2004:6”), registry numbers and county and "
        "municipality codes (“08”, “1080”).",
    ),
    "search_tip_browse": ("Eller bläddra bland", "Or browse"),
    "matched_on": ("träff på", "matched"),
    "search_page_nav": ("Sidor med sökresultat", "Pages of results"),
    # lists and paging
    "type": ("Typ", "Type"),
    "instances": ("Alla {kind}", "All {kind}"),
    "instances_plain": ("Förekomster", "Instances"),
    "sorted_by_address": (
        "Så många att de ordnas efter sin adress, som följer namnen.",
        "So many that they are ordered by their address, which follows the names.",
    ),
    "sort_label": ("Namn", "Name"),
    "sort_year": ("År", "Year"),
    "sorted_asc": ("sorterat stigande", "sorted ascending"),
    "sorted_desc": ("sorterat fallande", "sorted descending"),
    "page_of": ("Sida {page} av {pages}", "Page {page} of {pages}"),
    "previous": ("Föregående", "Previous"),
    "next": ("Nästa", "Next"),
    "pages_nav": ("Sidor", "Pages"),
    # resource pages
    "properties": ("Uppgifter", "Details"),
    "incoming": ("Nämns i", "Mentioned in"),
    "more": ("och {n} till – visa alla", "and {n} more – show all"),
    "sources": ("Källor", "Sources"),
    "formats": ("Som data", "As data"),
    "formats_intro": (
        "Den här sidans uppgifter finns också som data för program:",
        "The details on this page are also available as data for programs:",
    ),
    "permanent_iri": ("Permanent adress (IRI)", "Permanent address (IRI)"),
    "classes": ("Klasser", "Classes"),
    "properties_list": ("Egenskaper", "Properties"),
    "ontology": ("Ontologi", "Ontology"),
    "not_found": ("Sidan finns inte", "Page not found"),
    "not_found_text": (
        "Det finns ingen beskrivning av adressen nedan. Den kan ha skrivits fel eller tagits bort.",
        "There is no description of the address below. It may be mistyped or have been removed.",
    ),
    "error_title": ("Något gick fel", "Something went wrong"),
    "error_status": ("Felkod {status}", "Error {status}"),
    "go_home": ("Till startsidan", "Go to the home page"),
    # charts
    "pubs_by_year": ("Publikationer per år", "Publications per year"),
    "coauthors": ("Samarbeten", "Co-authors"),
    "coauthoring_boards": ("Medförfattare", "Co-authoring organisations"),
    "shared": ("gemensamma publikationer", "shared publications"),
    "chart_table": ("Siffrorna i tabellform", "The figures as a table"),
    "year": ("År", "Year"),
    "publications": ("Publikationer", "Publications"),
    "organisation": ("Organisation", "Organisation"),
    # the editor
    "sparql_title": ("Fråga med SPARQL", "Query with SPARQL"),
    "sparql_intro": (
        "Skriv en fråga i SPARQL och kör den mot datamängden, eller börja från ett av exemplen.",
        "Write a SPARQL query and run it against the dataset, or start from one of the examples.",
    ),
    "query": ("Fråga", "Query"),
    "run": ("Kör", "Run"),
    "result_format": ("Svarsformat", "Result format"),
    "answer_yes": ("Svar: ja (true)", "Answer: yes (true)"),
    "answer_no": ("Svar: nej (false)", "Answer: no (false)"),
    "results_truncated": ("visar de första {n}", "showing the first {n}"),
    "results_caption": ("Svaret på frågan", "The answer to the query"),
    "examples": ("Exempelfrågor", "Example queries"),
    "machines": ("För program", "For programs"),
    "service_description": ("Tjänstebeskrivning", "Service description"),
    "editor_label": ("SPARQL-redigerare", "SPARQL editor"),
    "editor_help": (
        "Ctrl+Enter (⌘+Enter) kör frågan. Ctrl+Mellanslag föreslår prefix, klasser och "
        "egenskaper ur grafen.",
        "Ctrl+Enter (⌘+Enter) runs the query. Ctrl+Space suggests prefixes, classes and "
        "properties from the graph.",
    ),
    "editor_tab": ("Fråga", "Query"),
    "query_failed": ("Frågan kunde inte köras", "The query could not be run"),
    "syntax_error": ("Fel i frågan", "Error in the query"),
    "error_detail_en": ("Serverns meddelande (på engelska)", "The server's message"),
    "download_as": ("Ladda ner svaret som", "Download the answer as"),
    "share_link": ("Länk till frågan", "Link to this query"),
    "open_example": ("Öppna i redigeraren", "Open in the editor"),
    "new_tab": ("Ny flik", "New tab"),
    "rows_per_page": ("Rader per sida", "Rows per page"),
    "dt_search": ("Filtrera:", "Filter:"),
    "dt_length": ("Visa _MENU_ rader", "Show _MENU_ rows"),
    "dt_info": ("Rad _START_–_END_ av _TOTAL_", "Rows _START_–_END_ of _TOTAL_"),
    "dt_info_empty": ("Inga rader", "No rows"),
    "dt_info_filtered": ("(filtrerat från _MAX_)", "(filtered from _MAX_)"),
    "dt_zero": ("Inga rader matchar", "No matching rows"),
    # open data pages
    "catalog_intro": (
        "Katalogposten beskriver datamängden för dataportaler (DCAT-AP-SE). Portaler hämtar den "
        "som RDF/XML; den finns också i andra format.",
        "The catalogue record describes the dataset for data portals (DCAT-AP-SE). Portals "
        "harvest it as RDF/XML; it is also available in other formats.",
    ),
    "record_as": ("Katalogposten som", "The record as"),
    "publisher": ("Utgivare", "Publisher"),
    "publisher_kind": ("Typ av utgivare", "Kind of publisher"),
    "contact_point": ("Kontakt", "Contact"),
    "licence": ("Licens", "Licence"),
    "rights": ("Villkor", "Rights"),
    "themes": ("Teman", "Themes"),
    "keywords": ("Nyckelord", "Keywords"),
    "temporal": ("Tidsperiod", "Time period"),
    "spatial": ("Område", "Area"),
    "modified": ("Senast ändrad", "Last changed"),
    "issued": ("Publicerad", "Published"),
    "endpoint": ("SPARQL-ändpunkt", "SPARQL endpoint"),
    "void_link": ("Statistik (VoID)", "Statistics (VoID)"),
    "identifier": ("Identifierare", "Identifier"),
    "distributions": ("Filer att ladda ner", "Files to download"),
    "file": ("Fil", "File"),
    "format": ("Format", "Format"),
    "size": ("Storlek", "Size"),
    "statements": ("Påståenden", "Statements"),
    "checksum": ("Kontrollsumma (SHA-256)", "Checksum (SHA-256)"),
    "gzip": ("packad med gzip", "packed with gzip"),
    "dumps_intro": (
        "Hela datamängden som filer, skrivna från samma version som SPARQL-ändpunkten svarar "
        "från (version {version}, {date}). Filerna beskrivs också i datakatalogen och som JSON.",
        "The whole dataset as files, written from the same version the SPARQL endpoint answers "
        "from (version {version}, {date}). The files are also described in the data catalogue "
        "and as JSON.",
    ),
    "dumps_rdf": ("Hela datamängden som RDF", "The whole dataset as RDF"),
    "dumps_tables": ("Tabeller (CSV)", "Tables (CSV)"),
    "dumps_tables_intro": (
        "De viktigaste uppgifterna som tabeller, för kalkylprogram och den som inte använder RDF.",
        "The main facts as tables, for spreadsheets and anyone who does not use RDF.",
    ),
    "dumps_gz_hint": (
        "Filer som slutar på .gz är packade med gzip och skickas som de är: packa upp dem efter "
        "nedladdningen.",
        "Files ending in .gz are packed with gzip and sent as they are: unpack them after "
        "downloading.",
    ),
    "index_as_json": ("Listan som JSON", "This list as JSON"),
    "void_title": ("Statistik över datamängden", "Statistics of the dataset"),
    "void_intro": (
        "En VoID-beskrivning av datamängden: hur mycket den innehåller, vilka begrepp den "
        "använder och var den finns.",
        "A VoID description of the dataset: how much it holds, which vocabularies it uses and "
        "where to find it.",
    ),
    "void_as": ("Beskrivningen som", "The description as"),
    "triples": ("Påståenden (tripler)", "Statements (triples)"),
    "entities": ("Resurser", "Resources"),
    "distinct_subjects": ("Olika subjekt", "Distinct subjects"),
    "distinct_objects": ("Olika objekt", "Distinct objects"),
    "vocabularies": ("Vokabulär", "Vocabularies"),
    "example_resources": ("Exempel", "Examples"),
    "class": ("Klass", "Class"),
    "property": ("Egenskap", "Property"),
    # the dataset page
    "dataset_what": ("Vad datamängden är", "What the dataset is"),
    "dataset_who": ("Vem som ger ut den", "Who publishes it"),
    "dataset_use": ("Villkor", "Terms of use"),
    "dataset_coverage": ("Vad den täcker", "What it covers"),
    "dataset_get": ("Hämta data", "Get the data"),
    "dataset_cite": ("Så här hänvisar du till den", "How to cite it"),
    "counties_covered": ("{n} av Sveriges 21 län", "{n} of Sweden's 21 counties"),
    "years_covered": ("{start}–{end}", "{start}–{end}"),
    # about and accessibility
    "about_title": ("Om webbplatsen", "About this site"),
    "about_data": ("Uppgifterna och källorna", "The data and its sources"),
    "about_data_text": (
        "Varje resurs har en egen sida med källorna den bygger på. Hela datamängden kan laddas "
        "ner, och den beskrivs i en katalogpost för dataportaler.",
        "Every resource has its own page naming the sources it rests on. The whole dataset can "
        "be downloaded, and a catalogue record describes it for data portals.",
    ),
    "contact_title": ("Kontakt", "Contact"),
    "contact_text": (
        "Frågor om uppgifterna eller webbplatsen skickar du till {name}:",
        "Questions about the data or the site go to {name}:",
    ),
    "email": ("E-post", "E-mail"),
    "phone": ("Telefon", "Phone"),
    "address": ("Adress", "Address"),
    "contact_form": ("Kontaktformulär", "Contact form"),
    "a11y_title": ("Tillgänglighetsredogörelse", "Accessibility statement"),
    "a11y_intro": (
        "{publisher} står bakom den här webbplatsen. Vi vill att så många som möjligt ska kunna "
        "använda den. Här beskriver vi hur webbplatsen uppfyller lagen om tillgänglighet till "
        "digital offentlig service, kända brister och hur du kan rapportera problem så att vi "
        "kan åtgärda dem.",
        "{publisher} is responsible for this site. We want as many people as possible to be "
        "able to use it. This statement describes how the site complies with the Swedish Act "
        "on accessibility to digital public services, its known shortcomings and how to report "
        "problems so that we can fix them.",
    ),
    "a11y_status": ("Hur tillgänglig webbplatsen är", "How accessible the site is"),
    "a11y_status_full": (
        "Webbplatsen är helt förenlig med lagen om tillgänglighet till digital offentlig service.",
        "The site is fully compliant with the Act on accessibility to digital public services.",
    ),
    "a11y_status_partial": (
        "Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig "
        "service, på grund av de brister som beskrivs nedan.",
        "The site is partially compliant with the Act on accessibility to digital public "
        "services, because of the shortcomings described below.",
    ),
    "a11y_status_none": (
        "Webbplatsen är inte förenlig med lagen om tillgänglighet till digital offentlig service.",
        "The site is not compliant with the Act on accessibility to digital public services.",
    ),
    "a11y_issues": ("Kända brister", "Known shortcomings"),
    "a11y_feedback": ("Rapportera brister", "Report a problem"),
    "a11y_feedback_text": (
        "Om du upptäcker problem som inte beskrivs här, eller om du behöver innehåll i en annan "
        "form, kontakta oss:",
        "If you find a problem that is not described here, or need content in another form, "
        "contact us:",
    ),
    "a11y_supervision": ("Tillsyn", "Enforcement"),
    "a11y_supervision_text": (
        "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn över lagen om "
        "tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi hanterar "
        "dina synpunkter kan du kontakta Digg och påtala det.",
        "The Agency for Digital Government (Digg) enforces the Act on accessibility to digital "
        "public services. If you are not satisfied with how we handle your comments, you can "
        "contact Digg.",
    ),
    "a11y_supervision_link": ("Anmäl till Digg", "Report to Digg"),
    "a11y_method": ("Hur vi testat webbplatsen", "How we tested the site"),
    "a11y_method_text": (
        "Vi har gjort en självskattning (intern testning) mot WCAG 2.1 nivå AA: varje typ av "
        "sida på båda språken granskas med axe-core i Chromium och i 320 pixlars bredd i varje "
        "testkörning. Senaste bedömningen gjordes {date}.",
        "We made a self-assessment (internal testing) against WCAG 2.1 level AA: every type of "
        "page in both languages is checked with axe-core in Chromium and at 320 pixels wide in "
        "every test run. The last assessment was made on {date}.",
    ),
}

# Counted nouns: key -> ((Swedish one, other), (English one, other))
COUNTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "results": (("{n} träff", "{n} träffar"), ("{n} result", "{n} results")),
    "rows": (("{n} rad", "{n} rader"), ("{n} row", "{n} rows")),
    "triples": (("{n} påstående", "{n} påståenden"), ("{n} statement", "{n} statements")),
    "publications": (
        ("{n} publikation", "{n} publikationer"),
        ("{n} publication", "{n} publications"),
    ),
    "activities": (("{n} aktivitet", "{n} aktiviteter"), ("{n} activity", "{n} activities")),
    "shared": (
        ("{n} gemensam publikation", "{n} gemensamma publikationer"),
        ("{n} shared publication", "{n} shared publications"),
    ),
    "resources": (("{n} resurs", "{n} resurser"), ("{n} resource", "{n} resources")),
    "files": (("{n} fil", "{n} filer"), ("{n} file", "{n} files")),
}  # fmt: skip

# The pictures (appended: kept apart from the texts above for readability)
TEXTS.update(
    {
        "map_publications": ("Publikationer per län", "Publications per county"),
        "map_activities": (
            "Tillsyner och kartläggningar per län",
            "Supervisions and mappings per county",
        ),
        "map_intro": (
            "Varje län är färgat efter hur mycket som finns om det och är en länk till länets "
            "sida. Siffrorna finns också i tabellen under kartan.",
            "Each county is coloured by how much there is about it and links to the county's "
            "page. The figures are also in the table below the map.",
        ),
        "map_measure": ("Visa", "Show"),
        "map_none": ("inga", "none"),
        "map_legend": ("Förklaring", "Key"),
        "map_source": ("Länsgränser", "County boundaries"),
        "map_tiles": (
            "Varje ruta är ett län, ungefär där länet ligger.",
            "Each square is a county, placed roughly where the county lies.",
        ),
        "map_summary": (
            "{n} av 21 län har något. Mest: {top}.",
            "{n} of 21 counties have something. Most: {top}.",
        ),
        "timeline_title": ("Tidslinje", "Timeline"),
        "timeline_intro": (
            "Uppdrag och förordningar, publikationer, tillsyner och kartläggningar, projekt och "
            "bidrag på en tidsaxel. Varje punkt eller stapel är en länk.",
            "Mandates and regulations, publications, supervisions and mappings, projects and "
            "grants on a time axis. Every dot or bar is a link.",
        ),
        "lane_plans": ("Uppdrag och förordningar", "Mandates and regulations"),
        "lane_publications": ("Publikationer", "Publications"),
        "lane_activities": ("Tillsyner och kartläggningar", "Supervisions and mappings"),
        "lane_projects": ("Projekt och bidrag", "Projects and grants"),
        "years": ("År", "Years"),
        "what": ("Vad", "What"),
        "timeline_summary": (
            "{n} saker från {first} till {last}.",
            "{n} things from {first} to {last}.",
        ),
        "network_title": ("Vilka som skriver tillsammans", "Who writes together"),
        "network_intro": (
            "Länsstyrelser och andra som har skrivit publikationer tillsammans. Ju tjockare "
            "linje, desto fler gemensamma publikationer. Varje namn är en länk.",
            "County administrative boards and others who wrote publications together. The "
            "thicker the line, the more publications they share. Every name is a link.",
        ),
        "network_summary": (
            "{n} organisationer, {pairs} par.",
            "{n} organisations, {pairs} pairs.",
        ),
        "nobody": ("Inga gemensamma publikationer ännu.", "No shared publications yet."),
        "more_pictures": ("Fler bilder", "More pictures"),
    }
)
