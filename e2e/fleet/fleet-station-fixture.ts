import { mkdirSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import Database from 'better-sqlite3';
import { createBootstrapToken } from '../../fleet-server/src/enrollment/bootstrap-tokens';
import type { TestServer } from '../../fleet-server/tests/helpers/test-server';
import { FileBackedFleetConnection } from '../../main/adapters/fleet/fleet-connection';
import type { TlsIdentity } from '../../main/adapters/fleet/https-json';
import { StationCredentialsFile } from '../../main/adapters/fleet/station-credentials';
import { openLocalKeyVault } from '../../main/adapters/key-vault/local-key-vault-setup';
import { enrollStationAtFleet } from '../../main/adapters/fleet/station-enrollment';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { LedgerService } from '../../main/core/ledger/ledger-service';
import { systemClock, type Clock } from '../../main/core/ports/clock';
import { ledgerPath } from '../../main/host/data-dir';

/** A station's data folder opened the way the station opens it: the real SQLite ledger. */
export interface OpenStation {
  dataDir: string;
  store: SqliteLedgerStore;
  ledger: LedgerService;
  close(): void;
}

export function openStation(dataDir: string, clock: Clock = systemClock): OpenStation {
  mkdirSync(dataDir, { recursive: true });
  const store = SqliteLedgerStore.open(ledgerPath(dataDir));
  return { dataDir, store, ledger: new LedgerService(store, clock), close: () => store.close() };
}

/**
 * Enrolls the data folder's station at `serverUrl` (the server itself, or a proxy in front of it) with a
 * fresh bootstrap token, through the product's own enrollment, and returns the stored TLS identity.
 */
export async function enrollStation(server: TestServer, dataDir: string, stationId: string, serverUrl = server.url): Promise<TlsIdentity> {
  const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
  await new FileBackedFleetConnection(dataDir, stationId).enroll({ serverUrl, token, caPem: server.caPem }, AbortSignal.timeout(30_000));
  const credentials = await new StationCredentialsFile(dataDir, openLocalKeyVault({ dataDir })).open();
  if (credentials === null) throw new Error(`enrollment wrote no credentials in ${dataDir}`);
  return { caPem: credentials.caPem, certificatePem: credentials.certificatePem, keyPem: credentials.keyPem };
}

/** Enrolls a station at a second server without touching its data folder (which names its first server). */
export async function enrollStationElsewhere(server: TestServer, stationId: string): Promise<TlsIdentity> {
  const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
  const credentials = await enrollStationAtFleet(stationId, { serverUrl: server.url, token, caPem: server.caPem }, AbortSignal.timeout(30_000));
  return { caPem: credentials.caPem, certificatePem: credentials.certificatePem, keyPem: credentials.keyPem };
}

/** What the server holds of one station's chain: position, id and hash, in chain order. */
export interface HeldEvent {
  stationSeq: number;
  id: string;
  hash: string;
}

export async function serverEventsOf(server: TestServer, stationId: string): Promise<HeldEvent[]> {
  const rows = await server.db.query<{ station_seq: unknown; event_id: string; hash: string }>(
    'SELECT station_seq, event_id, hash FROM events WHERE station_id = $1 ORDER BY station_seq',
    [stationId],
  );
  return rows.map((row) => ({ stationSeq: Number(row.station_seq), id: row.event_id, hash: row.hash }));
}

export function localEventsOf(store: SqliteLedgerStore): HeldEvent[] {
  return [...store.iterateEvents()].map((event) => ({ stationSeq: event.stationSeq, id: event.id, hash: event.hash }));
}

/** Checks the server holds exactly `expected`: same count, unique ids, positions 1..n, same hashes. */
export function describeDelivery(held: HeldEvent[], expected: HeldEvent[]): { missing: number; duplicated: number; mismatched: number; isExact: boolean } {
  const ids = new Set(held.map((event) => event.id));
  const duplicated = held.length - ids.size;
  const heldBySeq = new Map(held.map((event) => [event.stationSeq, event]));
  let missing = 0;
  let mismatched = 0;
  for (const event of expected) {
    const stored = heldBySeq.get(event.stationSeq);
    if (stored === undefined) missing += 1;
    else if (stored.id !== event.id || stored.hash !== event.hash) mismatched += 1;
  }
  const isContiguous = held.every((event, index) => event.stationSeq === index + 1);
  const isExact = duplicated === 0 && missing === 0 && mismatched === 0 && held.length === expected.length && isContiguous;
  return { missing, duplicated, mismatched, isExact };
}

/** SQLite's own check of the whole file, through a separate read-only connection. */
export function integrityCheck(dataDir: string): string {
  const db = new Database(ledgerPath(dataDir), { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

/** GET over HTTPS with the station's client certificate, as a station reads the fleet's device view. */
export function getJsonAsStation(url: string, tls: TlsIdentity): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { method: 'GET', ca: tls.caPem, cert: tls.certificatePem, key: tls.keyPem, timeout: 10_000 }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.once('error', reject);
      response.once('end', () => {
        if (response.statusCode !== 200) reject(new Error(`GET ${url} answered ${response.statusCode}: ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    request.once('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.once('error', reject);
    request.end();
  });
}
