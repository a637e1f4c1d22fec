"""Every limit on what kamtui reads from a file a person hands it, in one place.

Import tables (CSV and XLSX: accounts, answers, people lists, pairwise grids), surveys and criteria sets are
written by people, or by programs on their behalf. A file beyond one of these limits is no real KAM
programme: it is refused with a message that names the limit, before it is read where the limit can be
seen from outside (a file's size, an .xlsx zip directory, a sheet's declared dimension), and otherwise as
soon as reading reaches the limit, so time and memory stay bounded whatever the file holds. The figures
are generous against real use (the default survey is 39 kB with 120 indicators; 100,000 accounts with 15
columns are 1.5 million cells in an 8 MB CSV) and were measured to keep a refused file's cost small
(README, "Reliability").
"""

from __future__ import annotations

MAX_PROBLEMS_SHOWN = 50  # problems listed for one file; the count of the rest follows them

# ---------------------------------------------------------------------------------------------- tables
MAX_ROWS = 1_000_000  # rows of one table, the header included (a row numbered beyond it is refused)
MAX_COLUMNS = 1_000  # columns of one table
MAX_CELLS = 5_000_000  # cells of one table (rows x columns as stored; for .xlsx, every cell element)
MAX_CELL_CHARS = 131_072  # characters in one cell (the csv module's own default field limit)
MAX_CSV_BYTES = 100_000_000  # a CSV file

# ---------------------------------------------------------------------------------------------- .xlsx
MAX_XLSX_MEMBERS = 10_000  # entries in the zip directory
MAX_XLSX_SHEET_BYTES = 250_000_000  # one worksheet's XML, uncompressed (read as a stream)
MAX_XLSX_STRINGS_BYTES = 20_000_000  # the shared-strings part, uncompressed (held in memory)
MAX_XLSX_PART_BYTES = 10_000_000  # any other XML part (styles, workbook, relationships...), uncompressed
MAX_XLSX_TOTAL_BYTES = 1_000_000_000  # all members together, uncompressed
MAX_XLSX_RATIO = 100  # uncompressed / compressed size of one member larger than RATIO_FROM_BYTES
RATIO_FROM_BYTES = 1_000_000  # (a real worksheet compresses 8-30 times; a zip bomb 1,000 times)

# ---------------------------------------------------------------------------------------------- TOML
MAX_TOML_BYTES = 1_000_000  # a survey or criteria file
MAX_TOML_DEPTH = 20  # tables and lists inside each other, and the parts of one dotted key
MAX_TOML_LIST = 10_000  # items in any one list
MAX_SURVEY_ELEMENTS = 100  # [[elements]] of a survey
MAX_ELEMENT_INDICATORS = 100  # [[elements.indicators]] of one element
MAX_SURVEY_INDICATORS = 2_000  # indicators of a survey, all elements together
MAX_CRITERIA = 200  # [[criteria]] of a criteria set


def size_text(size: int) -> str:
    """A byte count as a person reads it: ``1.2 GB``, ``100 MB``, ``640 kB``, ``12 bytes``."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value >= 100 or value == int(value) else f"{value:.1f} {unit}"
    return f"{size} byte{'s' if size != 1 else ''}"


def over_limit(found: str, limit: str) -> str:
    """The one wording of a limit refusal: ``has 20,000,000 rows; kamtui reads at most 1,000,000 rows``."""
    return f"{found}; kamtui reads at most {limit}"
