# Type stubs of the perfnorm extension module (python/src/lib.rs). maturin ships this file as
# perfnorm/__init__.pyi, with a py.typed marker, so type checkers see the signatures below.

import os
from typing import Any, Dict, List, Optional, Union

import pyarrow

__all__ = ["convert", "tidy", "tidy_schemas", "ConvertError", "__version__", "TIDY_TABLES"]

__version__: str

#: The names of the tidy tables, in the order of the CSV and Parquet sets (the keys of tidy()).
TIDY_TABLES: List[str]

_Source = Union[str, "os.PathLike[str]", bytes, bytearray]

class ConvertError(Exception):
    """A file perfnorm could not convert.

    `file` is the input's name (the path given, the `name=` of bytes, or `-`), `reason` why it
    failed; `str(e)` is `file: reason`, as the CLI prints it.
    """

    file: str
    reason: str

def convert(
    source: _Source,
    *,
    format: Optional[str] = None,
    encoding: Optional[str] = None,
    include_hidden: bool = False,
    name: Optional[str] = None,
    relative_path: Optional[str] = None,
) -> Dict[str, Any]:
    """Convert one input to the perfnorm contract's JSON document (a dict).

    `source` is a path or the file's bytes; the dict equals what `perfnorm convert FILE -o -`
    writes for that file. `format` (xlsx, xls, xlsb, ods, pdf, text), `encoding` (auto, utf-8,
    gb18030, utf-16) and `include_hidden` are the CLI's `--from`, `--encoding` and
    `--include-hidden`; `name` is `source.file` for bytes (default `-`); `relative_path` is the
    path below the archive folder that the table ids hash (default: the file name).

    Raises ConvertError (with `file` and `reason`) when the input cannot be converted, and
    ValueError for an unknown `format` or `encoding`. Releases the GIL while converting.
    """

def tidy(
    source: _Source,
    *,
    format: Optional[str] = None,
    encoding: Optional[str] = None,
    include_hidden: bool = False,
    name: Optional[str] = None,
    relative_path: Optional[str] = None,
) -> Dict[str, pyarrow.Table]:
    """Convert one input to the tidy tables (tables, fields, funds, indicators, attributes,
    diagnostics) as pyarrow Tables with the columns of the CSV set and the types of the
    Parquet set. Same arguments and errors as `convert`; releases the GIL while converting.
    """

def tidy_schemas() -> Dict[str, pyarrow.Schema]:
    """The schema of each tidy table as `tidy` types it, by table name in the order of the sets
    (for declaring outputs before converting, such as a Spark job's schema)."""
