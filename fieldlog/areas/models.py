from __future__ import annotations

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldlog.extensions import db


class Area(db.Model):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Stockholm")
    public_report: Mapped[bool] = mapped_column(default=False)
    # The origins (scheme://host[:port]) whose pages may show the public page in a frame (SPEC §8); none by default.
    embed_origins: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    def __repr__(self) -> str:
        return f"<Area {self.slug}>"
