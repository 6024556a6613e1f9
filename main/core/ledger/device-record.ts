import type { LifecycleState } from '../../../shared/contract';

/** The projection of a device's ledger events: what the ledger says the device is now. */
export interface DeviceRecord {
  id: string;
  state: LifecycleState;
  model: string | null;
  serial: string | null;
  firmwareVersion: string | null;
  lastEventType: string;
  lastEventId: string;
  /** HLC of the last event applied, i.e. when the record last changed. */
  updatedHlc: string;
}
