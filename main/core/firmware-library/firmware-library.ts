import { createHash } from 'node:crypto';
import type { BundleSummary, CommandOutput, DeviceFit, JsonValue } from '../../../shared/contract';
import { AppError, toAppError } from '../../../shared/errors';
import { verifyBundle, type TrustStore, type VerifiedBundle } from '../firmware';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { BundleStore } from './bundle-store';
import { isNamedHardware, judgeFit, type KnownDevice } from './device-fit-judgement';
import type { ImportedFile } from './import-source';
import { libraryRecordSchema, summarize, type LibraryRecord } from './library-record';
import { refusalOf } from './refusal-of';

export const BUNDLE_IMPORTED_EVENT = 'firmware.bundle-imported';

export interface FirmwareLibraryOptions {
  /** The library's folder in the station's data folder. */
  folder: string;
  /** Asked at every verification, so a changed trust store (a revocation) counts at once. */
  trustStore: () => TrustStore;
  clock: Clock;
  logger: Logger;
  /** Every device the station knows now (ledger projection joined with discovery). */
  knownDevices: () => KnownDevice[];
  /** The highest security counter the ledger recorded for a device. */
  ledgerSecurityCounter: (deviceId: string) => number | null;
  /** Appends `firmware.bundle-imported` (no device) to the ledger. */
  recordImport: (payload: JsonValue) => void;
  onChanged: (bundleId: string) => void;
}

export type ImportResult = CommandOutput<'firmware:import'>;
export type ListedBundle = BundleSummary & { fit: DeviceFit | null };

/** Refusals that are the station's problem, not the bundle's: they are thrown, not recorded as a refusal. */
const STATION_PROBLEMS = new Set(['TRUST_STORE_INVALID', 'INTERNAL']);

/**
 * The station's firmware library: bundles verified on import (signatures against the trust store,
 * manifest, every image) by main/core/firmware, stored content-addressed, and judged against the
 * devices the station knows. Refused bundles never enter it; the import answer names the failed check.
 */
export class FirmwareLibrary {
  readonly #options: FirmwareLibraryOptions;
  readonly #store: BundleStore;

  constructor(options: FirmwareLibraryOptions) {
    this.#options = options;
    this.#store = new BundleStore(options.folder);
  }

  import(file: ImportedFile): ImportResult {
    const bundleId = createHash('sha256').update(file.bytes).digest('hex');
    if (this.#store.has(bundleId)) {
      // Content-addressed: the same bytes are the same bundle, imported once and recorded once.
      return {
        outcome: 'imported',
        bundle: this.#summary(this.#readRecord(bundleId)),
        isAlreadyInLibrary: true,
      };
    }
    const checkedAt = new Date(this.#options.clock.nowMs());
    let verified: VerifiedBundle;
    try {
      verified = verifyBundle(file.bytes, { trustStore: this.#options.trustStore(), now: checkedAt });
    } catch (error: unknown) {
      const failure = toAppError(error);
      if (STATION_PROBLEMS.has(failure.code)) throw failure;
      this.#options.logger.warn(
        { bundleSha256: bundleId, fileName: file.fileName, code: failure.code, message: failure.message },
        'firmware bundle refused at import',
      );
      return {
        outcome: 'refused',
        fileName: file.fileName,
        sizeBytes: file.bytes.length,
        bundleSha256: bundleId,
        refusal: refusalOf(failure),
      };
    }
    const record: LibraryRecord = {
      bundleId,
      fileName: file.fileName,
      sizeBytes: file.bytes.length,
      importedAt: checkedAt.toISOString(),
      manifest: verified.manifest,
      signedBy: verified.signedBy.map(({ name, keyId, isDevelopment }) => ({ name, keyId, isDevelopment })),
      verification: { status: 'passed', checkedAt: checkedAt.toISOString() },
    };
    this.#store.put(bundleId, file.bytes, record);
    this.#options.recordImport(importPayload(record));
    this.#options.logger.info(
      { bundleSha256: bundleId, product: record.manifest.product, version: record.manifest.version },
      'firmware bundle imported',
    );
    this.#options.onChanged(bundleId);
    return { outcome: 'imported', bundle: this.#summary(record), isAlreadyInLibrary: false };
  }

  /** Newest import first; with a device, each bundle says whether it fits it. */
  list(deviceId?: string): ListedBundle[] {
    const devices = this.#options.knownDevices();
    const device =
      deviceId === undefined ? undefined : devices.find((candidate) => candidate.id === deviceId);
    const counters = new Map<string, number | null>();
    const counterOf = (id: string): number | null => {
      if (!counters.has(id)) counters.set(id, this.#options.ledgerSecurityCounter(id));
      return counters.get(id) ?? null;
    };
    return this.#records()
      .sort((a, b) => b.importedAt.localeCompare(a.importedAt) || a.bundleId.localeCompare(b.bundleId))
      .map((record) => {
        const fittingCount = this.#fits(record, devices, counterOf).filter(
          (candidate) => candidate.fits,
        ).length;
        const fit = device === undefined ? null : judge(record, device, counterOf);
        return { ...this.#summary(record, fittingCount), fit };
      });
  }

  /** One bundle, verified again now (it may have expired, or its key been revoked, since import). */
  get(bundleId: string): CommandOutput<'firmware:get'> {
    if (!this.#store.has(bundleId))
      throw new AppError('NOT_FOUND', `bundle ${bundleId} is not in the firmware library`, {
        details: { bundleId },
      });
    const stored = this.#readRecord(bundleId);
    const record: LibraryRecord = { ...stored, verification: this.#verifyAgain(bundleId) };
    const counterOf = (id: string): number | null => this.#options.ledgerSecurityCounter(id);
    const judged = this.#fits(record, this.#options.knownDevices(), counterOf);
    const byConnection = (a: DeviceFit, b: DeviceFit): number =>
      Number(b.isConnected) - Number(a.isConnected) || a.deviceId.localeCompare(b.deviceId);
    const fittingDevices = judged.filter((fit) => fit.fits).sort(byConnection);
    return {
      bundle: this.#summary(record, fittingDevices.length),
      fittingDevices,
      unfitDevices: judged.filter((fit) => !fit.fits).sort(byConnection),
    };
  }

  /** Devices of a hardware id the bundle names, judged; none fits a bundle that no longer verifies. */
  #fits(
    record: LibraryRecord,
    devices: KnownDevice[],
    counterOf: (id: string) => number | null,
  ): DeviceFit[] {
    return devices
      .filter((device) => isNamedHardware(record.manifest, device))
      .map((device) => judge(record, device, counterOf));
  }

  #verifyAgain(bundleId: string): LibraryRecord['verification'] {
    const now = new Date(this.#options.clock.nowMs());
    try {
      verifyBundle(this.#store.readBundle(bundleId), { trustStore: this.#options.trustStore(), now });
      return { status: 'passed', checkedAt: now.toISOString() };
    } catch (error: unknown) {
      const failure = toAppError(error);
      if (STATION_PROBLEMS.has(failure.code)) throw failure;
      return { status: 'refused', checkedAt: now.toISOString(), refusal: refusalOf(failure) };
    }
  }

  #summary(record: LibraryRecord, fittingDeviceCount?: number): BundleSummary {
    const count =
      fittingDeviceCount ??
      this.#fits(record, this.#options.knownDevices(), (id) =>
        this.#options.ledgerSecurityCounter(id),
      ).filter((fit) => fit.fits).length;
    return summarize(record, this.#store.bundlePath(record.bundleId), count);
  }

  #records(): LibraryRecord[] {
    const records: LibraryRecord[] = [];
    for (const bundleId of this.#store.ids()) {
      try {
        records.push(this.#readRecord(bundleId));
      } catch (error: unknown) {
        this.#options.logger.warn(
          { bundleSha256: bundleId, err: error },
          'firmware library record unreadable; the bundle is left out of the list',
        );
      }
    }
    return records;
  }

  #readRecord(bundleId: string): LibraryRecord {
    const parsed = libraryRecordSchema.safeParse(this.#store.readRecord(bundleId));
    if (!parsed.success || parsed.data.bundleId !== bundleId) {
      throw new AppError('INTERNAL', `firmware library record ${bundleId}.json is damaged`, {
        details: { bundleId },
      });
    }
    return parsed.data;
  }
}

function judge(
  record: LibraryRecord,
  device: KnownDevice,
  counterOf: (id: string) => number | null,
): DeviceFit {
  const fit = judgeFit(record.manifest, device, counterOf(device.id));
  const { verification } = record;
  return verification.status === 'passed' ? fit : { ...fit, fits: false, refusal: verification.refusal };
}

function importPayload(record: LibraryRecord): JsonValue {
  const { manifest } = record;
  return {
    bundleSha256: record.bundleId,
    fileName: record.fileName,
    sizeBytes: record.sizeBytes,
    product: manifest.product,
    version: manifest.version,
    channel: manifest.channel,
    securityCounter: manifest.securityCounter,
    expiresAt: manifest.expiresAt,
    hardware: manifest.hardware.map(({ id, revisions }) => ({ id, revisions: [...revisions] })),
    signedBy: record.signedBy.map((signer) => signer.name),
    isDevelopmentSigned: record.signedBy.some((signer) => signer.isDevelopment),
  };
}
