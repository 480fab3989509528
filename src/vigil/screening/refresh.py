"""Official list refresh: the UN Security Council consolidated list and the OFAC SDN files, downloaded from their
official addresses (settings `lists_un_url`, `lists_ofac_url`, through `lists_proxy` if set).

Each file is asked for conditionally (If-None-Match / If-Modified-Since with what the last download answered), and
its SHA-256 is compared with the last one, so a list becomes a new version only when a file really changed. The
import runs through `service.import_list` in one transaction: a broken download or a file that does not parse
leaves the current version in force. A new version that adds entries is announced (`screening.list_version`), and
the capabilities that hold records in retention re-screen them against the new entries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.platform import clock
from vigil.platform.config import get_settings
from vigil.platform.errors import Problem
from vigil.platform.identity.principal import Principal
from vigil.screening import service
from vigil.screening.models import ListSourceFile, Watchlist

# kind -> (watchlist name when Vigil creates it, its legal basis, the files to fetch: (local name, remote name))
SOURCES = {
    "un": ("UN Security Council Consolidated List",
           "UN Security Council resolutions (Chapter VII) as implemented in national law",
           (("consolidated.xml", ""),)),
    "ofac": ("OFAC Specially Designated Nationals",
             "Sanctions Act s.4 (implementing partner-state designations)",
             (("sdn.csv", "SDN.CSV"), ("alt.csv", "ALT.CSV"), ("add.csv", "ADD.CSV"),
              ("sdn_comments.csv", "SDN_COMMENTS.CSV"))),
}


class RefreshError(Problem):
    """The download or the import failed; nothing changed."""

    def __init__(self, detail: str):
        super().__init__(502, detail)


@dataclass
class Download:
    name: str
    url: str
    data: bytes | None  # None: not modified since the last download
    etag: str = ""
    last_modified: str = ""


@dataclass
class RefreshReport:
    kind: str
    watchlist: str
    changed: bool
    version: int | None = None
    added: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def line(self) -> str:
        if not self.changed:
            return f"{self.watchlist}: unchanged"
        return (f"{self.watchlist}: version {self.version}: added {len(self.added)}, changed {len(self.changed_ids)}, "
                f"removed {len(self.removed)}")


def file_url(kind: str, remote: str) -> str:
    settings = get_settings()
    if kind == "un":
        return settings.lists_un_url
    return settings.lists_ofac_url.rstrip("/") + "/" + remote


def cache_dir(kind: str) -> Path:
    folder = get_settings().ensure_data_dir() / "lists" / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def fetch(client: httpx.Client, name: str, url: str, known: ListSourceFile | None, cached: Path) -> Download:
    """One file; conditional when its last download is still cached (otherwise a 304 would leave us nothing)."""
    headers = {}
    if known is not None and cached.exists():
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
    try:
        response = client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        raise RefreshError(f"could not download {url}: {exc.__class__.__name__}: {exc}") from None
    if response.status_code == 304 and headers:
        return Download(name, url, None, known.etag, known.last_modified)
    if response.status_code != 200:
        raise RefreshError(f"could not download {url}: HTTP {response.status_code}")
    if not response.content:
        raise RefreshError(f"could not download {url}: the file is empty")
    return Download(name, url, response.content, response.headers.get("etag", ""),
                    response.headers.get("last-modified", ""))


def _watchlist(session: Session, kind: str) -> tuple[Watchlist, Principal]:
    """The official list of this kind (created on the first refresh, owned by the configured agency or the first
    one), and the principal the refresh acts as: the system, on behalf of the list's owning agency."""
    from vigil.platform.identity.models import Agency

    found = session.scalars(select(Watchlist).where(Watchlist.kind == kind).order_by(Watchlist.id)).first()
    owner_id = found.owner_agency_id if found is not None else None
    code = get_settings().lists_owner_agency
    stmt = select(Agency).where(Agency.id == owner_id) if owner_id is not None else \
        select(Agency).where(Agency.code == code) if code else select(Agency).order_by(Agency.id)
    agency = session.scalars(stmt).first()
    if agency is None:
        raise RefreshError("no agency to own the official lists: create one first (or set VIGIL_LISTS_OWNER_AGENCY)")
    actor = Principal(user_id=0, username=f"lists-refresh:{agency.code}", agency_id=agency.id,
                      agency_code=agency.code, role="supervisor", clearance=3, via="system")
    if found is None:
        name, legal_basis, _ = SOURCES[kind]
        found = service.create_watchlist(session, actor, name, kind, legal_basis, "Refreshed from the official source")
    return found, actor


def _client() -> httpx.Client:
    settings = get_settings()
    return httpx.Client(proxy=settings.lists_proxy or None, timeout=settings.lists_timeout_seconds,
                        follow_redirects=True, headers={"User-Agent": "Vigil list refresh"})


def update(session: Session, kind: str) -> RefreshReport:
    """Refresh one official list in the caller's transaction; raises RefreshError (nothing changed) on failure."""
    if kind not in SOURCES:
        raise Problem(422, f"unknown official list {kind!r}; use one of {', '.join(SOURCES)}")
    wl, actor = _watchlist(session, kind)
    known = {row.name: row for row in session.scalars(select(ListSourceFile).where(
        ListSourceFile.watchlist_id == wl.id))}
    folder = cache_dir(kind)
    with _client() as client:
        downloads = [fetch(client, name, file_url(kind, remote), known.get(name), folder / name)
                     for name, remote in SOURCES[kind][2]]
    changed = [d for d in downloads if d.data is not None
               and (d.name not in known or hashlib.sha256(d.data).hexdigest() != known[d.name].sha256)]
    now = clock.now()
    for d in downloads:
        row = known.get(d.name) or ListSourceFile(watchlist_id=wl.id, name=d.name, url=d.url)
        row.url, row.checked_at = d.url, now
        row.etag, row.last_modified = d.etag or row.etag, d.last_modified or row.last_modified
        session.add(row)
    if not changed:
        session.flush()
        return RefreshReport(kind, wl.name, False)
    report = _import(session, actor, wl, kind, downloads, folder)
    for d in changed:
        row = session.scalars(select(ListSourceFile).where(ListSourceFile.watchlist_id == wl.id,
                                                           ListSourceFile.name == d.name)).one()
        row.sha256, row.changed_at = hashlib.sha256(d.data).hexdigest(), now
    return report


def _import(session: Session, actor: Principal, wl: Watchlist, kind: str, downloads: list[Download],
            folder: Path) -> RefreshReport:
    """Stage the new files beside the cached ones, import, and only then make them the cached copies."""
    staging = folder / ".staging"
    staging.mkdir(exist_ok=True)
    for d in downloads:
        source = d.data if d.data is not None else (folder / d.name).read_bytes()
        (staging / d.name).write_bytes(source)
    path = staging / downloads[0].name if kind == "un" else staging
    try:
        result = service.import_list(session, actor, wl.id, path, source_name=f"{kind} official ({downloads[0].url})",
                                     only_if_changed=True)
    except Problem as exc:
        raise RefreshError(f"the downloaded {kind} list was not imported: {exc.detail}") from None
    for d in downloads:
        (staging / d.name).replace(folder / d.name)
    if result is None:  # new bytes, same entries (a re-published file)
        return RefreshReport(kind, wl.name, False)
    return RefreshReport(kind, wl.name, True, result.version.number, result.added, result.changed, result.removed)
