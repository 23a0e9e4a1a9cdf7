"""SPARQL syntax errors a person understands: what is wrong, where, and what to write.

The engine's parser reports the furthest point it reached and the tokens it
could have taken there (``error at 1:31: expected one of Prefix not found,
['%'], ['-' | '0' ..= '9' | '\\u{00B7}' ...``). :func:`explain` reads that and
the query text and names the likely mistake in words, at the place the reader
must look (the unclosed string, not the end of the query): an undeclared prefix
(with the ``PREFIX`` line to add when it is a known vocabulary), an unclosed
string, bracket or brace, a misspelt keyword, a triple pattern without its
object, a variable neither grouped nor aggregated, a malformed IRI; else what
was expected, in words. Messages exist in Swedish and English.

>>> q = "SELECT ?t WHERE { ?s dct:title ?t }"
>>> print(explain(q, "error at 1:31: expected one of Prefix not found").message("en"))
line 1, column 22: the prefix 'dct:' is not declared; add this line first: PREFIX dct: <http://purl.org/dc/terms/>
>>> print(explain("ASK { ?s ?p }", "error at 1:14: expected one of LATERAL, [_]").message("sv"))
rad 1, kolumn 7: trippelmönstret '?s ?p' saknar objekt (ett mönster är subjekt, predikat, objekt)
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from kgraph import terms
from kgraph.errors import QuerySyntaxError

# Vocabularies people use without declaring them: the graph's own come first (passed in).
KNOWN_PREFIXES: dict[str, str] = {
    **terms.PREFIXES,
    "dcterms": terms.DCT,
    "dc": "http://purl.org/dc/elements/1.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "adms": "http://www.w3.org/ns/adms#",
    "locn": "http://www.w3.org/ns/locn#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "time": "http://www.w3.org/2006/time#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "qb": "http://purl.org/linked-data/cube#",
}

_KEYWORD_TEXT = (
    "SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE DISTINCT REDUCED AS "
    "OPTIONAL UNION MINUS GRAPH SERVICE SILENT BIND VALUES FILTER NOT EXISTS IN UNDEF "
    "GROUP BY HAVING ORDER ASC DESC LIMIT OFFSET COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT "
    "SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND "
    "CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER "
    "YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 "
    "SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX "
    "SUBSTR REPLACE TRUE FALSE LATERAL A"
)
KEYWORDS = frozenset(_KEYWORD_TEXT.split())

_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "at": "line {line}, column {column}",
        "undeclared_prefix": "the prefix '{prefix}:' is not declared",
        "add_prefix": "add this line first: {line}",
        "unclosed_string": "this string is not closed: add the closing {quote}",
        "unclosed": "this '{open}' is never closed: add a '{close}'",
        "unmatched": "this '{close}' closes nothing",
        "unknown_word": "'{word}' is not a SPARQL keyword; did you mean {suggestion}?",
        "no_object": "the triple pattern '{pattern}' has no object "
        "(a pattern is subject, predicate, object)",
        "no_predicate": "'{pattern}' needs a predicate and an object after it",
        "not_grouped": "a selected variable is neither grouped nor aggregated: "
        "add it to GROUP BY or wrap it in an aggregate such as SAMPLE()",
        "bad_iri": 'this IRI is not valid (no spaces or " < > {{ }} | ^ ` \\ inside < >)',
        "expected": "expected {expected}, found {found}",
        "unexpected": "unexpected {found}",
        "ends_early": "the query ends before it is complete",
        "end": "the end of the query",
        "or": "or",
        "a_name": "a name",
        "a_number": "a number",
        "string_end": "the rest of the string",
    },
    "sv": {
        "at": "rad {line}, kolumn {column}",
        "undeclared_prefix": "prefixet '{prefix}:' är inte deklarerat",
        "add_prefix": "lägg först till raden: {line}",
        "unclosed_string": "strängen avslutas aldrig: lägg till det avslutande {quote}",
        "unclosed": "'{open}' stängs aldrig: lägg till ett '{close}'",
        "unmatched": "'{close}' stänger ingenting",
        "unknown_word": "'{word}' är inget SPARQL-nyckelord; menade du {suggestion}?",
        "no_object": "trippelmönstret '{pattern}' saknar objekt "
        "(ett mönster är subjekt, predikat, objekt)",
        "no_predicate": "'{pattern}' behöver ett predikat och ett objekt efter sig",
        "not_grouped": "en vald variabel är varken grupperad eller aggregerad: "
        "lägg till den i GROUP BY eller använd en aggregering som SAMPLE()",
        "bad_iri": 'IRI:n är ogiltig (inga mellanslag eller " < > {{ }} | ^ ` \\ inom < >)',
        "expected": "väntade mig {expected}, fann {found}",
        "unexpected": "oväntat: {found}",
        "ends_early": "frågan tar slut innan den är färdig",
        "end": "slutet av frågan",
        "or": "eller",
        "a_name": "ett namn",
        "a_number": "ett tal",
        "string_end": "resten av strängen",
    },
}


@dataclass(frozen=True)
class SyntaxProblem:
    """A syntax error, in words: where (1-based line and column) and what."""

    line: int
    column: int
    kind: str  # a key of the message table
    detail: dict[str, str] = field(default_factory=dict)
    prefix_line: str | None = None  # the PREFIX declaration to add, for a known vocabulary
    expected: tuple[str, ...] = ()  # for kind "expected": tokens, in words or quoted

    def message(self, lang: str = "en") -> str:
        """The whole message in ``lang`` (``sv`` or ``en``): position, problem, remedy."""
        return f"{self.position(lang)}: {self.text(lang)}"

    def position(self, lang: str = "en") -> str:
        return _MESSAGES[lang]["at"].format(line=self.line, column=self.column)

    def text(self, lang: str = "en") -> str:
        """The problem and its remedy, without the position."""
        words = _MESSAGES[lang]
        detail = dict(self.detail)
        kind = self.kind
        if kind == "expected":
            detail["found"] = detail.get("found") or words["end"]
            if self.expected:
                detail["expected"] = _one_of([words.get(e, e) for e in self.expected], words["or"])
            else:  # the engine named nothing it expected
                kind = "unexpected" if detail.get("found") != words["end"] else "ends_early"
        text = words[kind].format(**detail)
        if self.prefix_line:
            text += "; " + words["add_prefix"].format(line=self.prefix_line)
        return text


def _one_of(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


# -- reading the engine's message ----------------------------------------------------------

_ENGINE = re.compile(
    r"(?:SPARQL syntax error: )?error at (\d+):(\d+): (?:expected (?:one of )?)?(.*)", re.DOTALL
)


def _expected_in_words(raw: str) -> tuple[str, ...]:
    """The engine's list of tokens, as a reader would name them (no character classes)."""
    out: list[str] = []
    for item in re.findall(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\s][^,]*', raw):
        item = item.strip()
        if item.startswith('"'):
            token = item[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            word = "string_end" if token.startswith(("\\", '"')) else f"'{token}'"
        elif item.startswith("["):
            word = "" if item == "[_]" else ("a_number" if "'0'" in item[:6] else "a_name")
        else:
            word = item
        if word and word not in out:
            out.append(word)
    return tuple(out)


# -- reading the query ---------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comment>\#[^\n]*)
    |(?P<iri><[^<>"{}|^`\\\s]*>)
    |(?P<string>'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"
        |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    |(?P<open_string>'''|\"\"\"|['"])
    |(?P<var>[?$][\w]+)
    |(?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w%-]|\.(?=[\w%-]))*)
    |(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<word>[A-Za-z_][\w]*)
    |(?P<punct>\^\^|&&|\|\||!=|<=|>=|.)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    at: int  # offset in the query


def _tokens(query: str) -> Iterator[_Token]:
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield _Token(kind, m.group(), m.start())


def _line_col(query: str, offset: int) -> tuple[int, int]:
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _offset(query: str, line: int, column: int) -> int:
    starts = [0] + [m.end() for m in re.finditer("\n", query)]
    return min(len(query), starts[min(line, len(starts)) - 1] + column - 1)


def _declared(tokens: list[_Token]) -> set[str]:
    return {
        tokens[i + 1].text[:-1]
        for i, t in enumerate(tokens[:-1])
        if t.kind == "word" and t.text.upper() == "PREFIX" and tokens[i + 1].kind == "pname"
    }


def explain(
    query: str, engine_message: str, prefixes: Mapping[str, str] | None = None
) -> SyntaxProblem | None:
    """The likely mistake behind the engine's ``engine_message`` about ``query``;
    ``None`` if the message is not the engine's (a remote store's, say).

    ``prefixes``: the graph's own prefixes, suggested before the well-known ones.
    """
    found = _ENGINE.match(engine_message)
    if found is None:
        return None
    line, column, rest = int(found.group(1)), int(found.group(2)), found.group(3)
    known = {**KNOWN_PREFIXES, **(prefixes or {})}
    tokens = list(_tokens(query))
    stop = _offset(query, line, column)

    def at(offset: int, kind: str, prefix_line: str | None = None, **detail: str) -> SyntaxProblem:
        return SyntaxProblem(*_line_col(query, offset), kind, detail, prefix_line)

    if "variable that is unbound" in rest:
        return SyntaxProblem(line, column, "not_grouped")
    if "IRI parsing failed" in rest:
        return at(_last(tokens, stop, "<"), "bad_iri")
    declared = _declared(tokens)
    # an undeclared prefix before the stop is the error, whatever the engine expected
    for i, t in enumerate(tokens):
        prefix = t.text.split(":", 1)[0]
        inside_iri = i > 0 and tokens[i - 1].text == "<"
        if t.kind == "pname" and t.at < stop and prefix not in declared and not inside_iri:
            ns = known.get(prefix)
            return at(t.at, "undeclared_prefix", ns and f"PREFIX {prefix}: <{ns}>", prefix=prefix)
    for t in tokens:
        if t.kind == "open_string":
            return at(t.at, "unclosed_string", quote=t.text)
    problem = (
        _brackets(query, tokens) or _misspelt(query, tokens) or _short_pattern(query, tokens, stop)
    )
    if problem is not None:
        return problem
    expected = _expected_in_words(rest)
    if expected and all(e.isupper() for e in expected):  # a keyword was due after the last one
        before = [t for t in tokens if t.at < stop]
        last = max((i for i, t in enumerate(before) if t.text.upper() in KEYWORDS), default=-1)
        if 0 <= last < len(before) - 1 and before[last].kind == "word":
            stop = before[last + 1].at
            line, column = _line_col(query, stop)
    near = query[stop : stop + 20].split("\n")[0].strip()
    found_text = f"'{near}'" if near else ""
    return SyntaxProblem(line, column, "expected", {"found": found_text}, expected=expected)


def _last(tokens: list[_Token], stop: int, start: str) -> int:
    """The offset of the last token before ``stop`` that starts with ``start``."""
    return max((t.at for t in tokens if t.at < stop and t.text.startswith(start)), default=0)


_PAIRS = {"{": "}", "(": ")", "[": "]"}


def _brackets(query: str, tokens: list[_Token]) -> SyntaxProblem | None:
    stack: list[_Token] = []
    for t in tokens:
        if t.kind != "punct":
            continue
        if t.text in _PAIRS:
            stack.append(t)
        elif t.text in _PAIRS.values():
            if not stack or _PAIRS[stack[-1].text] != t.text:
                return SyntaxProblem(*_line_col(query, t.at), "unmatched", {"close": t.text})
            stack.pop()
    if stack:
        t = stack[-1]
        return SyntaxProblem(
            *_line_col(query, t.at), "unclosed", {"open": t.text, "close": _PAIRS[t.text]}
        )
    return None


def _misspelt(query: str, tokens: list[_Token]) -> SyntaxProblem | None:
    for i, t in enumerate(tokens):
        upper = t.text.upper()
        if t.kind != "word" or upper in KEYWORDS or (i and tokens[i - 1].text == "("):
            continue
        close = difflib.get_close_matches(upper, sorted(KEYWORDS), n=1, cutoff=0.75)
        if close:
            return SyntaxProblem(
                *_line_col(query, t.at), "unknown_word", {"word": t.text, "suggestion": close[0]}
            )
    return None


def _short_pattern(query: str, tokens: list[_Token], stop: int) -> SyntaxProblem | None:
    """A triple pattern cut short (by ``}`` or ``.``) just where the parser stopped."""
    terms_ = ("var", "iri", "pname", "string", "number")
    run: list[_Token] = []
    need, problem = 3, None  # terms a pattern needs: 3, after ';' 2, after ',' 1
    for t in tokens:
        if t.at >= stop:
            break
        if t.kind in terms_ or (t.kind == "word" and t.text == "a"):
            run.append(t)
            continue
        problem = None  # only the last terminator before the stop counts
        if t.text in ("}", ".") and 0 < len(run) < need:
            pattern = query[run[0].at : run[-1].at + len(run[-1].text)]
            kind = "no_object" if need - len(run) == 1 else "no_predicate"
            problem = SyntaxProblem(*_line_col(query, run[0].at), kind, {"pattern": pattern})
        need = {";": 2, ",": 1}.get(t.text, 3)
        run = []
    return problem


def in_words(
    query: str, exc: QuerySyntaxError, prefixes: Mapping[str, str] | None = None
) -> QuerySyntaxError:
    """``exc`` (the engine's) as a syntax error in words, with its line and column and the
    message in each language; ``exc`` itself if its message is not the engine's.

    >>> err = in_words("ASK { ?s ?p }", QuerySyntaxError("error at 1:14: expected [_]"))
    >>> err.message[:42], (err.line, err.column)
    ('SPARQL syntax error at line 1, column 7: t', (1, 7))
    """
    problem = explain(query, exc.message, prefixes)
    if problem is None:
        return exc
    return QuerySyntaxError(
        "SPARQL syntax error at " + problem.message("en"),
        problem.line,
        problem.column,
        {lang: problem.message(lang) for lang in _MESSAGES},
    )
