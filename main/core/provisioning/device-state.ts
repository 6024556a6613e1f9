import type { SettingReading } from '../config/smp-settings';

/** What provisioning reads from a device before it plans, and again to verify. */
export interface DeviceState {
  identity: { hardwareId: string; serial: string; model: string };
  /** The running image (SMP image state, the active slot); null when the device reports none. */
  firmware: { version: string; hash: string } | null;
  /** The installed chain, leaf first (DER); null when the device holds no certificate. */
  certificateChain: Uint8Array[] | null;
  /** Each setting the recipe writes, as the device reports it. */
  settings: ReadonlyMap<string, SettingReading>;
}
