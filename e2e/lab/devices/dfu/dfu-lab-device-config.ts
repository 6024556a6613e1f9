/** Faults a scenario can switch on, to prove that drivers survive what real devices and cables do. */
export interface DfuLabFaults {
  /** Pull the cable once this many image bytes have been received in one download (N% of an image: N/100 × its size). */
  unplugAfterBytes?: number;
  /** Stop answering every request (control transfers time out) once this many bytes have been received. */
  stopAnsweringAfterBytes?: number;
  /** Flash really takes this many times the bwPollTimeout the device announces (a device that under-promises). */
  slowFlashFactor?: number;
  /** Corrupt the reply to the Nth GETSTATUS after power-on (1-based): too short, or an undefined bState. */
  corruptStatus?: { onPollNumber: number; kind: 'short' | 'unknown-state' };
}

/** Everything that makes one lab DFU device what it is (protocols.md §3). */
export interface DfuLabDeviceConfig {
  /** Folder holding identity, boot record and the flash image; the device comes back from it as it was. */
  stateDir: string;
  serialNumber: string;
  vendorId: number;
  /** idProduct in DFU mode (the bootloader). */
  dfuProductId: number;
  /** idProduct in run-time mode (the application). */
  runtimeProductId: number;
  /** wTransferSize. */
  transferSizeBytes: number;
  /** Flash capacity: downloads beyond it fail with errADDRESS; UPLOAD reads up to it. */
  flashBytes: number;
  canUpload: boolean;
  /** bitManifestationTolerant: back to dfuIDLE after manifestation instead of waiting for a reset. */
  isManifestationTolerant: boolean;
  /** bitWillDetach: re-enumerates by itself after DFU_DETACH (and after manifestation when not tolerant). */
  willDetach: boolean;
  /** wDetachTimeOut: how long appDETACH waits for the bus reset. */
  detachTimeoutMs: number;
  /** Flash program time per KiB; announced per block as bwPollTimeout. */
  flashMsPerKiB: number;
  /** Manifestation time, announced as bwPollTimeout in dfuMANIFEST. */
  manifestMs: number;
  /** Time between leaving the bus and enumerating again (a reboot). */
  bootTimeMs: number;
  /**
   * DFU 1.1 accepts no request in dfuDNBUSY or dfuMANIFEST. Strict devices stall an early GETSTATUS
   * (→ dfuERROR); lenient ones (the default) answer it with the state they are still in.
   */
  isStrictAboutEarlyPolls: boolean;
  faults: DfuLabFaults;
}

/** pid.codes' test VID and PIDs: free for testing, never shipped. */
export const DFU_LAB_DEFAULTS = {
  vendorId: 0x1209,
  dfuProductId: 0x0001,
  runtimeProductId: 0x0002,
  transferSizeBytes: 1024,
  flashBytes: 256 * 1024,
  canUpload: true,
  isManifestationTolerant: true,
  willDetach: false,
  detachTimeoutMs: 1000,
  flashMsPerKiB: 1,
  manifestMs: 5,
  bootTimeMs: 5,
  isStrictAboutEarlyPolls: false,
  faults: {},
} satisfies Omit<DfuLabDeviceConfig, 'stateDir' | 'serialNumber'>;

export type DfuLabDeviceOptions = Pick<DfuLabDeviceConfig, 'stateDir' | 'serialNumber'> &
  Partial<DfuLabDeviceConfig>;

export function dfuLabConfig(options: DfuLabDeviceOptions): DfuLabDeviceConfig {
  return { ...DFU_LAB_DEFAULTS, ...options };
}
