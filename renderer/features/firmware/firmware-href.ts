/** The Firmware view's hash route, for the device detail's "no bundle fits" state. */
export const FIRMWARE_HREF = '#/firmware';
