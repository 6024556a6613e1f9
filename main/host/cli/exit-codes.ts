/** Exit codes of `fieldline` (documented in main/host/README.md and the root README). */
export const EXIT = {
  ok: 0,
  /** The command failed; the error's code and suggested action are printed. */
  failed: 1,
  /** The command line was wrong (unknown command or option, missing value). */
  usage: 2,
  /** `ledger verify` found a broken link in the hash chain. */
  chainBroken: 3,
} as const;
