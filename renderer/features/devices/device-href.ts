/** The Devices view's hash route; shared by the detail view's "Back to devices" link. */
export const DEVICES_HREF = '#/devices';

/** The hash route of one device's detail view: `#/devices/<id>`, the id percent-encoded. */
export function deviceHref(deviceId: string): string {
  return `${DEVICES_HREF}/${encodeURIComponent(deviceId)}`;
}

/**
 * Opens a device's detail view. Hash routing means this is a plain assignment: the browser records
 * it in history, so Back returns to the list.
 */
export function openDevice(deviceId: string): void {
  window.location.hash = deviceHref(deviceId);
}
