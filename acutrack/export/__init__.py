"""Export the journal for a clinic: a FHIR R4 bundle, and tidy CSV tables with a data dictionary.

`write_fhir` writes one JSON ``Bundle`` (type ``collection``) that an electronic health
record can import: an anonymous ``Patient``, every pain rating as an ``Observation`` (LOINC
72514-3 when it was given on 0–10; a rating imported on another scale as rated, under a
text code naming its app and scale), PEG and PGIC answers as ``Observation`` resources, and
medicines as ``MedicationStatement`` resources. `write_csv` writes the journal's tables as
typed, tidy CSV files with ``data-dictionary.csv`` describing every column, for a clinic
(or a statistician) that wants the numbers rather than a record.

Both leave out what the person wrote in words (notes, columns they added to the files
themselves, the names of files they imported) unless asked with ``notes=True``: an export
leaves the person's computer, and a note may say anything. The red-flag screen is in the
CSV export only (see `fhir_bundle`). Every file is written readable by its owner only,
whole or not at all, and never over one of the journal's own files.

The FHIR resources are plain dictionaries (JSON), so acutrack needs no FHIR library; the
tests check them against the ``fhir.resources`` R4B models.

The package: `fhir` (the bundle, one function per kind of resource), `codes` (the LOINC and
UCUM codes it uses, with their sources), `tidy_csv` (the CSV files), `dictionary` (what each
CSV column means) and `common` (the tables read once, times with their UTC offset).
"""

from .common import TABLES
from .fhir import fhir_bundle, write_fhir
from .tidy_csv import DICTIONARY_FILE, write_csv

__all__ = ["DICTIONARY_FILE", "TABLES", "fhir_bundle", "write_csv", "write_fhir"]
