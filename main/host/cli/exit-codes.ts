/** Exit codes of `fieldline` (documented in main/host/README.md and the root README). */
export const EXIT = {
  ok: 0,
  /** The command failed; the error's code and suggested action are printed. */
  failed: 1,
  /** The command line was wrong (unknown command or option, missing value). */
  usage: 2,
  /** `ledger verify` found a broken link in the hash chain. */
  chainBroken: 3,
  /** `flash`: the bundle was refused for this device before a single byte was written. */
  refusedBeforeWrite: 4,
  /** `flash`: the new image failed its health check or the bootloader refused it; the device runs its old firmware. */
  reverted: 5,
  /** `retire`: the read-back after the wipe found something left (named in the result); the device is not retired. */
  wipeNotVerified: 6,
  /** `retire verify-certificate`: the certificate of sanitization does not verify with the station key. */
  certificateInvalid: 7,
} as const;
