import type { LifecycleState } from '../contract/devices';

/**
 * The event types that move a device through its lifecycle, and the state each one leads to.
 * Any other event type about a device (sightings, job steps, notes) is history only: it updates
 * `lastAction` but never the state.
 */
export const LIFECYCLE_EVENT_TYPES = {
  'device.discovered': 'new',
  'firmware.flashed': 'provisioned',
  'certificate.enrolled': 'enrolled',
  'config.applied': 'configured',
  'device.commissioned': 'in-service',
  'device.failed': 'failed',
  'device.retired': 'retired',
  // A retired device was wiped, so coming back means starting its lifecycle over.
  'device.recommissioned': 'new',
} as const satisfies Record<string, LifecycleState>;

export type LifecycleEventType = keyof typeof LIFECYCLE_EVENT_TYPES;

/** The forward path; `failed` and `retired` sit outside it. */
const PROGRESSION: readonly LifecycleState[] = ['new', 'provisioned', 'enrolled', 'configured', 'in-service'];

export function isLifecycleEventType(type: string): type is LifecycleEventType {
  return Object.hasOwn(LIFECYCLE_EVENT_TYPES, type);
}

/**
 * One step of the projection. `current` is null before the first lifecycle event. The rules:
 * - `retired` is terminal: only `device.recommissioned` leaves it (to `new`); every other event
 *   after a retirement is kept in the history but changes nothing (it is "superseded").
 * - `device.recommissioned` on a device that is not retired changes nothing.
 * - `device.failed` marks any non-retired device failed.
 * - `device.discovered` only gives a state to a device that has none: seeing a device again
 *   does not reset it.
 * - A progress event (flashed, enrolled, configured, commissioned) moves the device forward to its
 *   state, or out of `failed`; it never moves it backward, so a firmware update during a service
 *   visit keeps an in-service device in service.
 */
export function nextLifecycleState(
  current: LifecycleState | null,
  type: string,
): { state: LifecycleState | null; isSuperseded: boolean } {
  if (current === 'retired') {
    return type === 'device.recommissioned' ? { state: 'new', isSuperseded: false } : { state: current, isSuperseded: true };
  }
  if (!isLifecycleEventType(type)) return { state: current, isSuperseded: false };
  const target = LIFECYCLE_EVENT_TYPES[type];
  switch (type) {
    case 'device.recommissioned':
      return { state: current, isSuperseded: false };
    case 'device.discovered':
      return { state: current ?? target, isSuperseded: false };
    case 'device.failed':
    case 'device.retired':
      return { state: target, isSuperseded: false };
    default: {
      if (current === null || current === 'failed') return { state: target, isSuperseded: false };
      const isForward = PROGRESSION.indexOf(target) > PROGRESSION.indexOf(current);
      return { state: isForward ? target : current, isSuperseded: false };
    }
  }
}
