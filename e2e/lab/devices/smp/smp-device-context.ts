import type { DeviceStateStore } from './device-state-store';
import type { FlashTiming } from './flash-timing';
import type { McubootBootloader } from './mcuboot-bootloader';
import type { SmpDeviceConfig } from './smp-device-config';

/** What the SMP group handlers of a lab device share. */
export interface SmpDeviceContext {
  readonly config: SmpDeviceConfig;
  readonly store: DeviceStateStore;
  readonly bootloader: McubootBootloader;
  readonly flash: FlashTiming;
  /** Runtime settings; `settings save` persists them, a reset reloads the saved ones. */
  readonly settings: Map<string, Uint8Array>;
  /** Resets after the current answer has gone out. */
  scheduleReset(): void;
}
