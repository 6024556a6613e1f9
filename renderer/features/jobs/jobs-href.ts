/** The Jobs view's hash route, for links from a device's detail and the Firmware view. */
export const JOBS_HREF = '#/jobs';
