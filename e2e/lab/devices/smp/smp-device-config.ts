import type { FaultPlan } from '../../faults/fault-plan';
import type { FlashTimingOptions } from './flash-timing';

/** Everything that makes one lab SMP device what it is; the scenario file fills it in. */
export interface SmpDeviceConfig {
  name: string;
  /** Folder holding identity, boot record, settings and flash slots. */
  stateDir: string;
  model: string;
  serialNumber: string;
  /** Chip unique id, hex; derived from the serial number when absent. */
  hardwareId?: string;
  /** Version of the factory image written to the primary slot of a new device. */
  firmwareVersion: string;
  /** Size of each flash slot; uploads longer than this are refused. */
  slotBytes: number;
  /** Largest whole SMP packet accepted (mcumgr params `buf_size`). */
  bufSizeBytes: number;
  /** Packets the device can hold at once (mcumgr params `buf_count`); more are dropped. */
  bufCount: number;
  flash: FlashTimingOptions;
  /** Delay between answering reset and going down (Zephyr's CONFIG_MCUMGR_GRP_OS_RESET_MS). */
  resetDelayMs: number;
  /** How long the device is deaf while it reboots. */
  bootTimeMs: number;
  /** Public keys (PEM) MCUboot trusts; when set, only images signed by one of them are swapped in. */
  trustedKeysPem?: string[];
  /**
   * MCUboot built with downgrade prevention on the security counter (protocols.md §2): bootloader info
   * reports `no-downgrade`, and an image whose security counter is below the running one is neither
   * marked for test nor booted.
   */
  isNoDowngrade?: boolean;
  /** Security counter TLV of the factory image (none when absent). */
  firmwareSecurityCounter?: number;
  /** Size of the storage partition's file system (group 8); 64 KiB by default. */
  storageBytes?: number;
  /**
   * The device's storage is encrypted under a key that zeroize destroys (a cryptographic erase, NIST
   * SP 800-88 Purge): identity read then reports `sanitize: "crypto-erase"`. Off by default.
   */
  isCryptoErase?: boolean;
  /**
   * Firmware that boots but is unhealthy: while an image of one of these versions runs, the device
   * still speaks SMP (identity, image state, reset) but echo answers something else than it was sent,
   * as an application stuck in a fault handler's shell might. A flash of such a version must end
   * reverted (the health check fails, the reset makes MCUboot swap back), never confirmed.
   */
  unhealthyFirmwareVersions?: string[];
  /** Faults to inject (fault-plan.ts); none when absent. */
  faults?: FaultPlan;
}

export const SMP_DEVICE_DEFAULTS = {
  model: 'fieldline-lab-nrf52840',
  firmwareVersion: '1.0.0',
  slotBytes: 1024 * 1024,
  bufSizeBytes: 2048,
  bufCount: 4,
  flash: {},
  resetDelayMs: 50,
  bootTimeMs: 50,
} satisfies Partial<SmpDeviceConfig>;
