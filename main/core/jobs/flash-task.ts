import type { JobStep, JsonValue } from '../../../shared/contract';
import type { SmpFlashEvidence } from '../drivers/smp/smp-flasher';
import type { RevertReason, SmpFlashMemory } from '../drivers/smp/smp-flasher-plan';
import type { TrustStore } from '../firmware';
import type { FlashEndpoint } from './flash-endpoint';

/**
 * One flash of one device, as the job service hands it to an executor. Plain data (it crosses into a
 * worker thread): where the device is, who it must be, which bundle, and what earlier attempts of the
 * same job checkpointed.
 */
export interface FlashTask {
  jobId: string;
  deviceId: string;
  /** Where the device is; its kind picks the protocol (SMP serial/UDP, USB DFU, UF2 drive). */
  endpoint: FlashEndpoint;
  /** Lower-case hex hardware id the device must report; null to accept the device at the endpoint. */
  expectedHardwareId: string | null;
  bundlePath: string;
  /** Trust store file; null for the executor's default. */
  trustStorePath: string | null;
  /** The device's hardware revision when the device cannot tell it (SMP identity, DFU and UF2 do not). */
  hardwareRevision: string;
  /** The highest security counter the ledger recorded for this device. */
  ledgerSecurityCounter: number | null;
  /** The station's clock for the bundle's expiry check, ISO 8601. */
  nowIso: string;
  /** What earlier attempts of this job checkpointed (resume after a crash; SMP only). */
  memory: SmpFlashMemory;
}

/** A JSON object of evidence for `job.step-completed`. */
export type StepEvidence = { [key: string]: JsonValue };

/** How a running task talks back to the job service. */
export interface FlashTaskHooks {
  /** The task moved to a step (for the UI; not durable). */
  onStep(step: JobStep): void;
  onProgress(progress: { bytesDone: number; totalBytes: number }): void;
  /** Durably records a step; the task waits for it (write-ahead before resets). */
  checkpoint(step: JobStep, evidence: StepEvidence): Promise<void>;
  /** Where discovery sees the device now, on any transport. */
  locate(): Promise<FlashEndpoint[]>;
  signal: AbortSignal;
}

/** What the device said it is, read over its protocol before anything was written. */
export interface FlashedDevice {
  hardwareId: string | null;
  serial: string | null;
  model: string | null;
}

/** What was installed: from the verified bundle. */
export interface FlashedBundle {
  bundleSha256: string;
  product: string;
  version: string;
  securityCounter: number;
  imageFile: string;
  signedBy: string[];
  isDevelopmentSigned: boolean;
}

/**
 * What the device showed after the flash. `verifiedHash` is read back from the device itself (SMP image
 * state of the running, confirmed image; DFU UPLOAD; UF2 CURRENT.UF2) and must equal `imageHash`, or
 * nothing is recorded as flashed (job-recorder.ts).
 */
export interface FlashEvidenceCore {
  imageHash: string;
  verifiedHash: string | null;
}

/** DFU evidence: the payload's SHA-256 and the SHA-256 of what UPLOAD read back (protocols.md §3). */
export interface DfuFlashEvidence extends FlashEvidenceCore {
  protocol: 'dfu';
  verification: 'verified-by-upload';
  imageBytes: number;
  blockCount: number;
  transferSizeBytes: number;
  /** VID:PID of the device in DFU mode and after it came back in run-time mode. */
  dfuModeId: string;
  runtimeId: string | null;
  transports: string[];
}

/** UF2 evidence: SHA-256 over the bytes the file writes, and over the same bytes in CURRENT.UF2 (§4). */
export interface Uf2FlashEvidence extends FlashEvidenceCore {
  protocol: 'uf2';
  verification: 'verified-by-current-uf2';
  familyId: number;
  addressStart: number;
  addressEnd: number;
  blockCount: number;
  transports: string[];
}

export type FlashEvidence = SmpFlashEvidence | DfuFlashEvidence | Uf2FlashEvidence;

export type FlashTaskResult =
  | { kind: 'confirmed'; device: FlashedDevice; bundle: FlashedBundle; evidence: FlashEvidence }
  | {
      kind: 'reverted';
      reason: RevertReason;
      detail: string;
      device: FlashedDevice;
      bundle: FlashedBundle;
      evidence: SmpFlashEvidence;
    };

/**
 * Runs flash tasks in isolation: the real one gives each port its own worker thread, so a stuck device
 * cannot freeze the UI or the other ports (architecture.md). Rejects with an AppError whose details name
 * the failed `step` (and `isBeforeWrite` when nothing was written yet).
 */
export interface FlashExecutor {
  run(task: FlashTask, hooks: FlashTaskHooks): Promise<FlashTaskResult>;
  /** Lets go of anything kept between tasks (idle worker processes); called when the job service stops. */
  close?(): Promise<void>;
}

/** The bundle and trust store a task needs, read by the host (files are the host's business). */
export interface FirmwareSource {
  load(task: FlashTask): Promise<{ bundleBytes: Uint8Array; trustStore: TrustStore }>;
}
