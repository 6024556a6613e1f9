import type { LifecycleState, Transport } from '../../../shared/contract';

/** How each lifecycle state is named in filters and sentences. */
export const LIFECYCLE_LABELS: Record<LifecycleState, string> = {
  new: 'New',
  provisioned: 'Provisioned',
  enrolled: 'Enrolled',
  configured: 'Configured',
  'in-service': 'In service',
  retired: 'Retired',
  failed: 'Failed',
};

export const TRANSPORT_LABELS: Record<Transport, string> = {
  serial: 'Serial',
  usb: 'USB',
  network: 'Network',
  drive: 'Drive',
};
