/** The app's views in navigation order; the id is the hash route (`#/records`). */
export const VIEWS = [
  { id: 'devices', label: 'Devices' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'firmware', label: 'Firmware' },
  { id: 'records', label: 'Records' },
  { id: 'station', label: 'Station' },
  { id: 'settings', label: 'Settings' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export const DEFAULT_VIEW: ViewId = 'devices';

export function isViewId(value: string): value is ViewId {
  return VIEWS.some((view) => view.id === value);
}

export function viewHref(id: ViewId): string {
  return `#/${id}`;
}
