import type { TransferKind } from '../../faults/fault-plan';
import type { CredentialStore } from './credential-store';
import type { DeviceStateStore } from './device-state-store';
import type { FlashTiming } from './flash-timing';
import type { LabFileSystem } from './lab-file-system';
import type { McubootBootloader } from './mcuboot-bootloader';
import type { SmpDeviceConfig } from './smp-device-config';

/** What the SMP group handlers of a lab device share. */
export interface SmpDeviceContext {
  readonly config: SmpDeviceConfig;
  readonly store: DeviceStateStore;
  readonly bootloader: McubootBootloader;
  /** Flash of the image slots. */
  readonly flash: FlashTiming;
  /** Flash of the storage partition (file system, settings). */
  readonly storageFlash: FlashTiming;
  /** The identity group's key and certificates. */
  readonly credentials: CredentialStore;
  readonly fileSystem: LabFileSystem;
  /** Runtime settings; `settings save` persists them, a reset reloads the saved ones. */
  readonly settings: Map<string, Uint8Array>;
  /** Resets after the current answer has gone out. */
  scheduleReset(): void;
  /** Before a transfer writes a chunk at `offset`: applies a slow-flash fault, if one is due. */
  beforeTransferWrite(kind: TransferKind, offset: number, totalBytes: number): Promise<void>;
  /** After a transfer holds `offset` bytes: an unplug or reset fault may fire here. */
  afterTransferWrite(kind: TransferKind, offset: number, totalBytes: number): void;
}
