-- Station enrollment and every certificate the server's CAs issued or learned about.

CREATE TABLE bootstrap_tokens (
  -- SHA-256 of the token: the token itself is shown once by the CLI and never stored.
  token_hash text PRIMARY KEY,
  -- When set, only a CSR for this station id may use the token.
  station_id text COLLATE "C",
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by_station text COLLATE "C"
);

CREATE TABLE certificates (
  -- Lower-case hex, as @peculiar/x509 and node:tls both print it (leading zeros stripped).
  serial text COLLATE "C" PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('station', 'device')),
  -- How the server learned about it: issued at enrollment, over EST, or reported after offline issuance.
  source text NOT NULL CHECK (source IN ('enrollment', 'est', 'offline')),
  subject text NOT NULL,
  issuer text NOT NULL,
  station_id text COLLATE "C",
  device_id text COLLATE "C",
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  pem text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revocation_reason integer
);
CREATE INDEX certificates_by_station ON certificates (station_id) WHERE station_id IS NOT NULL;
CREATE INDEX certificates_revoked ON certificates (revoked_at) WHERE revoked_at IS NOT NULL;
