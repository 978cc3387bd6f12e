"""GET /v1/models: the model names this server accepts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from reelcast.api.deps import current_user
from reelcast.api.errors import NotFound
from reelcast.api.schemas import ModelInfo, ModelList
from reelcast.domain.video_rules import MODEL_ALIASES, PROFILES
from reelcast.store.models import User

router = APIRouter(prefix="/v1", tags=["models"])
CREATED = 1764547200  # 2025-12-01, when these profiles were defined


def _all() -> list[ModelInfo]:
    own = [ModelInfo(id=p.id, created=CREATED, owned_by="reelcast", profile=p.id, description=p.description)
           for p in PROFILES.values()]
    aliases = [ModelInfo(id=a, created=CREATED, owned_by="reelcast", profile=pid,
                         description=f"Alias of '{pid}' for OpenAI Videos API clients.")
               for a, pid in MODEL_ALIASES.items()]
    return own + aliases


@router.get("/models", response_model=ModelList, summary="List models")
def list_models(_: Annotated[User, Depends(current_user)]) -> ModelList:
    """Our engine profiles and the OpenAI model names that alias them."""
    return ModelList(data=_all())


@router.get("/models/{model_id}", response_model=ModelInfo, summary="Retrieve a model")
def get_model(model_id: str, _: Annotated[User, Depends(current_user)]) -> ModelInfo:
    """One model entry."""
    for m in _all():
        if m.id == model_id:
            return m
    raise NotFound(f"Model '{model_id}' not found.", param="model", code="model_not_found")
