"""Reading create/edit/extend bodies sent as multipart, urlencoded or JSON."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from reelcast.api.errors import BadRequest, PayloadTooLarge

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_VIDEO_BYTES = 200 * 1024 * 1024


@dataclass
class Upload:
    """A file part read into memory."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Body:
    """Plain fields plus nested objects (`input_reference[image_url]` → objects['input_reference']['image_url'])."""

    fields: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        """A plain field value or None."""
        return self.fields.get(name)


async def read_body(request: Request, max_bytes: int = MAX_VIDEO_BYTES) -> Body:
    """Parse the request body whatever its content type."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = Body()
    if ctype == "application/json":
        raw = await request.body()
        try:
            data = json.loads(raw or b"{}")
        except json.JSONDecodeError as exc:
            raise BadRequest(f"Request body is not valid JSON: {exc.msg}", code="invalid_json") from exc
        if not isinstance(data, dict):
            raise BadRequest("Request body must be a JSON object.", code="invalid_json")
        for k, v in data.items():
            if isinstance(v, dict):
                body.objects[k] = v
            else:
                body.fields[k] = v
        return body
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.form(max_part_size=max_bytes)
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read()
                if len(data) > max_bytes:
                    raise PayloadTooLarge(f"File '{key}' is larger than {max_bytes // (1024 * 1024)} MB.",
                                          param=key, code="file_too_large")
                body.files[key] = Upload(value.filename or key, value.content_type or "", data)
            elif "[" in key and key.endswith("]"):
                outer, inner = key[:-1].split("[", 1)
                body.objects.setdefault(outer, {})[inner] = value
            else:
                body.fields[key] = value
        return body
    if not ctype:
        return body
    raise BadRequest(
        f"Unsupported Content-Type '{ctype}'; send multipart/form-data or application/json.",
        code="unsupported_content_type",
    )


def image_from_reference(body: Body, name: str = "input_reference") -> bytes | None:
    """The reference image bytes from a file part or an `image_url` data: URL."""
    if name in body.files:
        data = body.files[name].data
        if len(data) > MAX_IMAGE_BYTES:
            raise PayloadTooLarge("input_reference is larger than 20 MB.", param=name, code="file_too_large")
        return data
    obj = body.objects.get(name)
    if isinstance(body.fields.get(name), str):
        obj = {"image_url": body.fields[name]}
    if not obj:
        return None
    if obj.get("file_id"):
        raise BadRequest(
            "input_reference.file_id is not supported by this server; upload the image as a file part "
            "or send it as a data: URL in input_reference.image_url.",
            param=f"{name}.file_id", code="unsupported_value",
        )
    url = obj.get("image_url")
    if not isinstance(url, str) or not url:
        raise BadRequest("input_reference needs image_url or a file.", param=name, code="invalid_value")
    if not url.startswith("data:"):
        raise BadRequest(
            "input_reference.image_url must be a data: URL (base64); this server does not fetch remote URLs.",
            param=f"{name}.image_url", code="unsupported_value",
        )
    header, _, payload = url.partition(",")
    if ";base64" not in header:
        raise BadRequest("input_reference.image_url data: URL must be base64-encoded.",
                         param=f"{name}.image_url", code="invalid_value")
    try:
        data = base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise BadRequest("input_reference.image_url is not valid base64.", param=f"{name}.image_url",
                         code="invalid_value") from exc
    if len(data) > MAX_IMAGE_BYTES:
        raise PayloadTooLarge("input_reference is larger than 20 MB.", param=name, code="file_too_large")
    return data


def video_reference(body: Body, name: str = "video") -> tuple[str | None, Upload | None]:
    """A `{id}` reference to one of our videos, or an uploaded file."""
    if name in body.files:
        return None, body.files[name]
    obj = body.objects.get(name) or {}
    vid = obj.get("id") if isinstance(obj, dict) else None
    if isinstance(body.fields.get(name), str):
        vid = body.fields[name]
    if not vid:
        raise BadRequest(f"Missing required parameter: '{name}' (a video file or {{\"id\": \"video_…\"}}).",
                         param=name, code="missing_required_parameter")
    return str(vid), None
