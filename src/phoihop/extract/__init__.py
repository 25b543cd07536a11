"""The extractor: normalised Vietnamese administrative text -> plain records of what it states.

A package of passes (pipeline.py runs them in the order of data/lexicon/passes.csv) over a frozen document
model (document.py), writing one findings record (records.py). Rules live in data (data/lexicon/*.csv, the
grammars of data/lexicon/grammar.toml, the gazetteer, the SKOS schemes); the modules are the code that
applies them. ingest.py turns the returned Extraction into RDF.
"""

from .grammar import Number, parse_date, parse_decimal, parse_number
from .lexicon import Lexicon
from .pipeline import extract
from .records import Actor, Commitment, Event, Extraction, Instrument, Metadata, Person, Place

__all__ = ["Actor", "Commitment", "Event", "Extraction", "Instrument", "Lexicon", "Metadata", "Number", "Person",
           "Place", "extract", "parse_date", "parse_decimal", "parse_number"]
