"""What every record model shares: the strict base, id and contact formats, Chinese labels.

Each kind's own model lives in its kind module (kefu/kinds/); the JSON Schemas in `schemas/`
are generated from those models. Fields holding personal data carry `personal: true` in their
JSON-schema extras, at any depth; they never reach the site.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

PERSON_ID = r"^[a-z][a-z0-9-]{1,31}$"
DEALER_ID = r"^D-[0-9A-Z]{4,8}$"
PHONE = (r"^(1[3-9][0-9]-?[0-9]{4}-?[0-9]{4}|0[0-9]{2,3}-?([0-9]{7,8}|[0-9]{3,4}-[0-9]{4})"
         r"|400-?[0-9]{3}-?[0-9]{4})$")
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ID_NUMBER = r"^[0-9]{17}[0-9X]$"
# Text that shows something: one character that is neither a space nor invisible (zero-width,
# direction marks). Unanchored, as JSON Schema patterns are.
VISIBLE = r"[^\s\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]"
EARLIEST_YEAR = 2000  # record timestamps before this are typing mistakes (1850 for 2025)

PERSONAL: dict[str, Any] = {"personal": True}

# pattern -> what to write, for bad-format messages (kinds add their own id formats)
FORMATS: dict[str, str] = {
    PHONE: "手机号（如 138-0000-0001）或座机号（如 021-12345678、020-8888-1234）",
    EMAIL: "电子邮箱（如 name@example.com）",
    ID_NUMBER: "18 位身份证号（最后一位可以是 X）",
    PERSON_ID: "小写拼音员工编号（如 wangfang）",
    DEALER_ID: "D- 加 4–8 位大写字母或数字（如 D-0001）",
    VISIBLE: "看得见的文字（不能只有空格或不可见字符）",
}


class Strict(BaseModel):
    # Base of every record model: unknown fields are errors, not silently kept.
    # Phone and ID numbers typed without quotes arrive as ints: keep them as text.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


@dataclass(frozen=True)
class Labels:
    """Chinese labels of an enum's values, e.g. Labels((("open", "待处理"), ...)).

    Put in `Annotated[Literal[...], Labels(...)]`: messages, `kefu new --help`, forms and the
    site show them, and the JSON Schema carries them as `enumDescriptions` for editors.
    """

    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, names: Mapping[str, str]) -> Labels:
        return cls(tuple(names.items()))

    @property
    def names(self) -> dict[str, str]:
        return dict(self.pairs)

    def __get_pydantic_json_schema__(self, core: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core)
        names = self.names
        if isinstance(schema.get("enum"), list):
            schema["enumDescriptions"] = [names.get(str(v), "") for v in schema["enum"]]
        return schema


def labels_of(annotation: Any) -> dict[str, str]:
    """The Labels found in `annotation` (through Annotated, Optional, list), or {}."""
    if typing.get_origin(annotation) is Annotated:
        for extra in annotation.__metadata__:
            if isinstance(extra, Labels):
                return extra.names
    for arg in typing.get_args(annotation):
        found = labels_of(arg)
        if found:
            return found
    return {}


def field_labels(info: Any) -> dict[str, str]:
    """Labels of a pydantic FieldInfo (pydantic keeps Annotated extras in `metadata`)."""
    for extra in getattr(info, "metadata", ()):
        if isinstance(extra, Labels):
            return extra.names
    return labels_of(getattr(info, "annotation", None))


Text = Annotated[str, Field(min_length=1, pattern=VISIBLE)]
"""Required free text: not empty, not only spaces or zero-width characters."""

def _written_as_text(value: Any) -> Any:
    """A timestamp is written out (2026-03-15T10:20:00+08:00), never a number of seconds.

    Runs for every timestamp of every file: a position test, the parser checks the rest.
    """
    if isinstance(value, str) and len(value) > 10 and value[10] in "Tt " \
            or isinstance(value, dt.datetime):
        return value
    raise PydanticCustomError("datetime_parsing", "timestamp written as text")


STAMP_TEXT = BeforeValidator(_written_as_text)
Stamp = Annotated[AwareDatetime, STAMP_TEXT]
"""A point in time with its offset, written as ISO 8601 text (no Unix seconds, no `_`)."""

PersonId = Annotated[str, Field(pattern=PERSON_ID, description="员工编号（拼音，小写）")]
DealerId = Annotated[str, Field(pattern=DEALER_ID, description="代理商编号，如 D-0001")]
