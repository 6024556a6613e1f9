-- What stations download so that they can work offline: firmware bundles, recipes and extra
-- trust anchors. Revocations are derived from the certificates table.

CREATE TABLE catalog_items (
  kind text NOT NULL CHECK (kind IN ('bundle', 'recipe', 'trust-anchor')),
  name text COLLATE "C" NOT NULL,
  body jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, name)
);
