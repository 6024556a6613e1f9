/**
 * Numbered schema migrations of the ledger file. Migration N brings `PRAGMA user_version` from N-1 to N.
 * Never edit a migration that has shipped; add the next one.
 */
export const LEDGER_MIGRATIONS: readonly string[] = [
  // 1: events, the device projection, the sync outbox and station metadata.
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  CREATE TABLE events (
    position    INTEGER PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE,
    station_id  TEXT    NOT NULL,
    station_seq INTEGER NOT NULL,
    hlc         TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    device_id   TEXT,
    type        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    UNIQUE (station_id, station_seq)
  ) STRICT;
  CREATE INDEX events_by_device ON events (device_id, position) WHERE device_id IS NOT NULL;
  CREATE INDEX events_by_type ON events (type, position);
  CREATE INDEX events_by_hlc ON events (hlc);

  -- Append-only: the database itself refuses to change or delete an event.
  CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
  CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;

  CREATE TABLE devices (
    id               TEXT PRIMARY KEY,
    state            TEXT NOT NULL,
    model            TEXT,
    serial           TEXT,
    firmware_version TEXT,
    last_event_type  TEXT NOT NULL,
    last_event_id    TEXT NOT NULL,
    last_position    INTEGER NOT NULL,
    updated_hlc      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX devices_by_position ON devices (last_position);

  -- One row per event not yet acknowledged by the fleet server; written with the event.
  CREATE TABLE outbox (
    event_position INTEGER PRIMARY KEY REFERENCES events (position)
  ) STRICT;
  `,
];

export const LEDGER_SCHEMA_VERSION = LEDGER_MIGRATIONS.length;

/** Marks the file as a Fieldline ledger ("FLDL"), so a foreign SQLite file is recognised and left alone. */
export const LEDGER_APPLICATION_ID = 0x46_4c_44_4c;
