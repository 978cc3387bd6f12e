"""`/v1/webhook_endpoints`: register URLs that receive signed `video.completed` / `video.failed` events."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from reelcast.api.deps import current_user, runtime
from reelcast.api.errors import BadRequest, NotFound
from reelcast.jobs.runtime import Runtime
from reelcast.store import outbox
from reelcast.store.models import User
from reelcast.store.ops_models import WebhookEndpoint

router = APIRouter(prefix="/v1", tags=["webhooks"])

RT = Annotated[Runtime, Depends(runtime)]
CurrentUser = Annotated[User, Depends(current_user)]


class EndpointIn(BaseModel):
    """What to register."""

    url: str = Field(max_length=2048, description="http(s) URL that receives POSTed events.")
    event_types: list[str] = Field(default_factory=lambda: list(outbox.EVENT_TYPES), max_length=10,
                                   description="Events to send: video.completed, video.failed.")


class EndpointOut(BaseModel):
    """A registered endpoint; `secret` verifies signatures (`client.webhooks.unwrap(..., secret=…)`)."""

    id: str
    object: str = "webhook_endpoint"
    url: str
    event_types: list[str]
    secret: str
    created_at: int

    @classmethod
    def of(cls, ep: WebhookEndpoint) -> EndpointOut:
        """From a row."""
        return cls(id=ep.id, url=ep.url, event_types=list(ep.event_types), secret=ep.secret,
                   created_at=ep.created_at)


class EndpointList(BaseModel):
    """Your endpoints."""

    object: str = "list"
    data: list[EndpointOut]


class EndpointDeleted(BaseModel):
    """Deletion receipt."""

    id: str
    object: str = "webhook_endpoint.deleted"
    deleted: bool = True


def _check(body: EndpointIn) -> None:
    parsed = urlparse(body.url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise BadRequest("url must be an absolute http:// or https:// URL.", param="url", code="invalid_url")
    unknown = [t for t in body.event_types if t not in outbox.EVENT_TYPES]
    if unknown or not body.event_types:
        raise BadRequest(f"Unknown event type(s) {unknown}; supported: {', '.join(outbox.EVENT_TYPES)}.",
                         param="event_types", code="invalid_value")


@router.post("/webhook_endpoints", response_model=EndpointOut, summary="Register a webhook endpoint")
def create_endpoint(body: EndpointIn, rt: RT, user: CurrentUser) -> EndpointOut:
    """Register a URL for signed video events (Standard Webhooks); the response carries its secret."""
    _check(body)
    with rt.db.session() as s:
        ep = outbox.create_endpoint(s, user.id, body.url, sorted(set(body.event_types)))
    return EndpointOut.of(ep)


@router.get("/webhook_endpoints", response_model=EndpointList, summary="List webhook endpoints")
def list_endpoints(rt: RT, user: CurrentUser) -> EndpointList:
    """Your registered endpoints."""
    with rt.db.session() as s:
        return EndpointList(data=[EndpointOut.of(e) for e in outbox.list_endpoints(s, user.id)])


@router.delete("/webhook_endpoints/{endpoint_id}", response_model=EndpointDeleted,
               summary="Delete a webhook endpoint")
def delete_endpoint(endpoint_id: str, rt: RT, user: CurrentUser) -> EndpointDeleted:
    """Stop sending events to an endpoint (pending deliveries still go out)."""
    import time

    with rt.db.session() as s:
        ep = outbox.get_endpoint(s, user.id, endpoint_id)
        if ep is None:
            raise NotFound(f"Webhook endpoint '{endpoint_id}' not found.", param="endpoint_id",
                           code="webhook_endpoint_not_found")
        ep.deleted_at = int(time.time())
    return EndpointDeleted(id=endpoint_id)
