"""The platform's use cases: the served territories and their cached diagnoses, accounts and
access, actors, the audit trail. The web app and the CLI call these; they alone use ``store``.

:class:`Platform` is one running platform: a data folder (its territories), a database, and the
background work that prepares them (diagnoses, copying the providers into the actors).
"""

from __future__ import annotations

import gc
import logging
import threading
from pathlib import Path

from mesocare.errors import NotFoundError
from mesocare.i18n import _
from mesocare.organisation.roles import Scope
from mesocare.services.platform.access import Access, Principal
from mesocare.services.platform.territories import TerritoryEntry, load_territories
from mesocare.store import Database, default_url

log = logging.getLogger("mesocare.platform")

__all__ = ["Access", "Platform", "Principal", "TerritoryEntry"]


class Platform:
    def __init__(
        self,
        data_dir: str | Path,
        db_url: str | None = None,
        *,
        cache: bool = True,
        workers: int = 2,
        migrate: bool = True,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.db = Database(db_url or default_url(self.data_dir))
        if migrate:
            self.db.migrate()
        self.territories: dict[str, TerritoryEntry] = load_territories(self.data_dir, cache=cache)
        self.workers = workers
        self._threads: list[threading.Thread] = []
        self._freeze = False

    def session(self, *, write: bool = False):  # type: ignore[no-untyped-def]
        """One unit of work on the records (see :meth:`mesocare.store.Database.session`)."""
        return self.db.session(write=write)

    # ----- the hierarchy, for access ---------------------------------------------------------
    def ancestors(self, territory: str, unit: str) -> list[str]:
        entry = self.territories.get(territory)
        return entry.ancestors(unit) if entry else []

    def access(self, principal: Principal | None) -> Access:
        return Access(principal, self)

    def entry(self, territory: str) -> TerritoryEntry:
        try:
            return self.territories[territory]
        except KeyError:
            raise NotFoundError(
                _("unknown territory '{territory}'").format(territory=territory)
            ) from None

    def parse_scope(self, text: str | None) -> Scope:
        """A scope from the command line: ``*``/empty (everywhere), ``TERRITORY``, ``UNIT`` (a code
        or a name, in the one territory that has it) or ``TERRITORY:UNIT``; the unit must exist."""
        text = (text or "").strip()
        if text in ("", "*"):
            return Scope()
        if ":" in text:
            tid, _sep, unit = text.partition(":")
            entry = self.entry(tid.strip())
            unit = unit.strip()
            if unit and unit not in entry.levels:
                raise NotFoundError(
                    _("unknown unit '{unit}' in territory '{territory}'").format(
                        unit=unit, territory=entry.id
                    )
                )
            return Scope(territory=entry.id, unit=unit or None)
        if text in self.territories:
            return Scope(territory=text)
        having = [(e.id, text) for e in self.territories.values() if text in e.levels]
        if not having:  # a unit's name, in any case
            want = text.casefold()
            having = [
                (e.id, code)
                for e in self.territories.values()
                for code in e.levels
                if e.unit_name(code).casefold() == want
            ]
        if len(having) == 1:
            return Scope(territory=having[0][0], unit=having[0][1])
        if not having:
            raise NotFoundError(
                _("unknown scope '{scope}': not a territory, region, zone or network").format(
                    scope=text
                )
            )
        raise NotFoundError(
            _("'{scope}' is a unit of several territories; write TERRITORY:{scope}").format(
                scope=text
            )
        )

    # ----- background work -------------------------------------------------------------------
    def seed_actors(self) -> None:
        from mesocare.services.platform.actors import seed_from_territory

        for entry in self.territories.values():
            with self.db.session(write=True) as s:
                n = seed_from_territory(s, entry)
            if n:
                log.info("territory %s: %d actors from its providers", entry.id, n)

    def start(self) -> None:
        """Compute missing diagnoses in the background, and meanwhile copy new providers into
        the actors (the computation runs in processes of its own: it need not wait)."""
        for entry in self.territories.values():
            if not entry.ready:
                t = threading.Thread(
                    target=entry.compute,
                    kwargs={"workers": self.workers, "on_loaded": self._loaded},
                    name=f"diagnoses-{entry.id}",
                    daemon=True,
                )
                t.start()
                self._threads.append(t)
        self.seed_actors()

    def freeze_loaded(self) -> None:
        """Take what is loaded now (the territories, their diagnoses, the web app: some 300,000
        objects for the Flemish-scale region, alive as long as the process) out of the cyclic
        garbage collector's passes, and again whenever diagnoses computed in the background are
        loaded. For a server: else each full pass walks them all, and under load one came every
        few seconds and stopped every request for about 0.3 s."""
        self._freeze = True
        _freeze()

    def _loaded(self) -> None:
        if self._freeze:
            _freeze()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the background work; whether it has all finished."""
        for t in self._threads:
            t.join(timeout)
        return all(not t.is_alive() for t in self._threads)

    def close(self) -> None:
        self.db.dispose()


def _freeze() -> None:
    gc.collect()  # the garbage of loading, not to be kept forever
    gc.freeze()
