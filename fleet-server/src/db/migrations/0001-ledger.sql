-- Stations, their events and the device projection.
-- Ordering columns use COLLATE "C" so that text sorts byte-wise, the way HLC strings and UUIDv7 ids
-- are designed to sort; a locale collation (en_US.UTF-8 on many servers) would order them
-- differently on PostgreSQL than on PGlite.

CREATE TABLE stations (
  station_id text COLLATE "C" PRIMARY KEY,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  -- The head of the station's hash chain as stored here: the next batch must continue it.
  head_seq bigint NOT NULL DEFAULT 0 CHECK (head_seq >= 0),
  head_hash text NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
  head_hlc text COLLATE "C",
  last_batch_at timestamptz
);

CREATE TABLE events (
  -- The global order: the order in which the server accepted events.
  global_seq bigserial PRIMARY KEY,
  event_id text COLLATE "C" NOT NULL UNIQUE,
  station_id text COLLATE "C" NOT NULL REFERENCES stations (station_id),
  station_seq bigint NOT NULL CHECK (station_seq > 0),
  hlc text COLLATE "C" NOT NULL,
  actor text NOT NULL,
  device_id text COLLATE "C",
  type text NOT NULL,
  payload jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (station_id, station_seq)
);
CREATE INDEX events_by_device ON events (device_id, hlc, event_id) WHERE device_id IS NOT NULL;

CREATE TABLE devices (
  device_id text COLLATE "C" PRIMARY KEY,
  state text NOT NULL,
  model text,
  serial text,
  firmware_version text,
  last_action text,
  last_event_id text COLLATE "C",
  last_hlc text COLLATE "C",
  event_count integer NOT NULL,
  -- Events that arrived (or sorted) after a retirement and therefore did not change the state.
  superseded_count integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_by_state ON devices (state, device_id);
CREATE INDEX devices_by_model ON devices (model, device_id);
